import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeServer, fakeMedia, rejectionOf, resultFileRoutes, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { downloadResult } from './download-result';

let server: FakeServer;
let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'download-result-'));
  server = await startFakeServer({ routes: resultFileRoutes() });
});
afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<InfermuxError> {
  const error = await rejectionOf(promise);
  if (!InfermuxError.isInstance(error)) throw new Error(`expected an InfermuxError, got ${String(error)}`);
  return error;
}

describe('downloadResult', () => {
  it('returns the bytes and their media type, following a redirect', async () => {
    for (const path of ['/image.png', '/moved', '/moved-twice']) {
      const result = await downloadResult(`${server.url}${path}?signature=s3cr3t`);
      expect(result.contentType).toBe('image/png');
      expect(Buffer.from(result.data).equals(fakeMedia.image.bytes)).toBe(true);
    }
  });

  it('streams to a file (named from the media type when asked), with no partial file left', async () => {
    const file = await downloadResult(`${server.url}/image.png`, {
      to: (contentType) => join(directory, 'nested', contentType === 'image/png' ? 'cat.png' : 'cat.bin'),
    });
    expect(file).toEqual({
      path: join(directory, 'nested', 'cat.png'),
      size: fakeMedia.image.bytes.byteLength,
      contentType: 'image/png',
    });
    expect((await readFile(file.path)).equals(fakeMedia.image.bytes)).toBe(true);
    expect(await readdir(join(directory, 'nested'))).toEqual(['cat.png']);
  });

  it('a dead link is caller_invalid_input saying so, naming the host only', async () => {
    const expiresAt = Date.now() - 1000;
    const error = await failure(
      downloadResult(`${server.url}/gone?signature=s3cr3t`, {
        provider: 'evolink',
        expiresAt,
        lifetime: 'results are kept for 24 hours',
      }),
    );
    expect(error).toMatchObject({
      code: 'caller_invalid_input',
      provider: 'evolink',
      details: { upstreamStatus: 404 },
    });
    expect(error.message).toBe(
      `evolink answered HTTP 404. The result at ${new URL(server.url).host} is no longer available (it expired at ${new Date(expiresAt).toISOString()}); results are kept for 24 hours`,
    );
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
    expect((await failure(downloadResult(`${server.url}/broken`))).code).toBe('provider_server_error');
  });

  it('bounds redirects and follows http(s) only', async () => {
    expect((await failure(downloadResult(`${server.url}/loop`, { maxRedirects: 2 }))).message).toContain(
      'more than 2 redirects',
    );
    expect((await failure(downloadResult(`${server.url}/nowhere`))).message).toContain('without a location');
    expect((await failure(downloadResult(`${server.url}/to-file`))).message).toContain('"file:"');
    for (const location of ['ftp://127.0.0.1/x.png', 'not a url']) {
      expect((await failure(downloadResult(location))).code).toBe('provider_bad_response');
    }
  });

  it.each(['/big', '/big-chunked'])(
    'refuses results over maxBytes (%s), declared or not, leaving no file',
    async (path) => {
      expect((await failure(downloadResult(`${server.url}${path}`, { maxBytes: 1000 }))).message).toContain(
        '1000 bytes',
      );
      const to = join(directory, `big${path.replace('/', '-')}.png`);
      await failure(downloadResult(`${server.url}${path}`, { maxBytes: 1000, to }));
      expect((await readdir(directory)).filter((name) => name.startsWith('big'))).toEqual([]);
    },
  );

  it('an empty result is a bad response', async () => {
    expect((await failure(downloadResult(`${server.url}/empty`))).message).toContain('was empty');
  });
});
