import { InfermuxError } from '@infermux/core';
import { type FakeServer, fakeMedia, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DownloadLimits, downloadImage } from './download-image';

const limits: DownloadLimits = { maxBytes: 1000, timeoutMs: 300, maxRedirects: 2 };
const big = Buffer.alloc(1500, 7);
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer({
    routes: [
      {
        method: 'GET',
        path: '/image.png',
        handler: (_request, response) => response.bytes(200, fakeMedia.image.bytes, 'image/png'),
      },
      {
        method: 'GET',
        path: '/moved',
        handler: (_request, response) => response.text(302, '', { location: '/image.png' }),
      },
      {
        method: 'GET',
        path: '/moved-twice',
        handler: (_request, response) => response.text(301, '', { location: `${server.url}/moved` }),
      },
      { method: 'GET', path: '/loop', handler: (_request, response) => response.text(307, '', { location: '/loop' }) },
      {
        method: 'GET',
        path: '/to-file',
        handler: (_request, response) => response.text(302, '', { location: 'file:///etc/passwd' }),
      },
      { method: 'GET', path: '/big', handler: (_request, response) => response.bytes(200, big, 'image/png') },
      {
        method: 'GET',
        path: '/big-chunked',
        // No content-length: the limit has to hold while reading.
        handler: (_request, response) => {
          response.raw.writeHead(200, { 'content-type': 'image/png' });
          response.raw.write(big.subarray(0, 800));
          response.raw.end(big.subarray(800));
        },
      },
      {
        method: 'GET',
        path: '/empty',
        handler: (_request, response) => response.bytes(200, new Uint8Array(0), 'image/png'),
      },
      { method: 'GET', path: '/gone', handler: (_request, response) => response.json(404, { error: 'expired' }) },
    ],
  });
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
