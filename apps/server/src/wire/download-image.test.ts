import { InfermuxError } from '@infermux/core';
import { type FakeServer, fakeMedia, resultFileRoutes, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DownloadLimits, downloadImage } from './download-image';

const limits: DownloadLimits = { maxBytes: 1000, timeoutMs: 300, maxRedirects: 2 };
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer({ routes: resultFileRoutes() });
});
afterAll(() => server?.close());

async function failure(location: string, signal = new AbortController().signal): Promise<InfermuxError> {
  const error = await downloadImage(location, { signal, provider: 'evolink', limits }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!InfermuxError.isInstance(error)) throw new Error(`expected an InfermuxError, got ${String(error)}`);
  return error;
}

describe('downloadImage', () => {
  it('returns the bytes, following up to maxRedirects redirects (relative and absolute)', async () => {
    const signal = new AbortController().signal;
    expect((await downloadImage(`${server.url}/image.png`, { signal, limits })).equals(fakeMedia.image.bytes)).toBe(
      true,
    );
    expect((await downloadImage(`${server.url}/moved-twice`, { signal, limits })).equals(fakeMedia.image.bytes)).toBe(
      true,
    );
  });

  it('stops a redirect loop', async () => {
    expect(await failure(`${server.url}/loop`)).toMatchObject({
      code: 'provider_bad_response',
      provider: 'evolink',
      message: expect.stringContaining('more than 2 redirects'),
    });
  });

  it.each(['file:///etc/passwd', 'ftp://127.0.0.1/x.png', 'not a url'])(
    'downloads http(s) only: %s',
    async (location) => {
      expect((await failure(location)).code).toBe('provider_bad_response');
    },
  );

  it('does not follow a redirect to another scheme', async () => {
    expect((await failure(`${server.url}/to-file`)).message).toContain('"file:"');
  });

  it.each(['/big', '/big-chunked'])('refuses images over maxBytes (%s), declared or not', async (path) => {
    expect(await failure(`${server.url}${path}`)).toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('1000 bytes'),
    });
  });

  it('an HTTP error or an empty body is a provider error that openai-node must not retry (it would pay again)', async () => {
    const gone = await failure(`${server.url}/gone`);
    expect(gone).toMatchObject({
      code: 'provider_bad_response',
      retryable: false,
      message: expect.stringContaining('HTTP 404'),
    });
    // The host only: signed URLs carry secrets in the query.
    expect(gone.message).not.toContain('/gone');
    expect((await failure(`${server.url}/empty`)).message).toContain('empty');
  });

  it('times out on its own limit, and reports the request deadline as the gateway timeout', async () => {
    server.fault('GET /image.png', { kind: 'delay-headers', ms: 2000 });
    expect(await failure(`${server.url}/image.png`)).toMatchObject({
      code: 'provider_timeout',
      retryable: false,
      message: expect.stringContaining('300 ms'),
    });
    server.fault('GET /image.png', { kind: 'delay-headers', ms: 2000 });
    const request = new AbortController();
    setTimeout(() => request.abort('timeout'), 50);
    expect((await failure(`${server.url}/image.png`, request.signal)).code).toBe('gateway_timeout');
  });
});
