import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeServer, rejectionOf, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { createHttpTransport } from '../transport/http-transport';
import { readBinary, resolveBinary, resolveBinaryFields } from './resolve-binary';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const flac = new TextEncoder().encode('fLaC\u0000\u0000\u0000\u0022');
let server: FakeServer;
const transport = createHttpTransport();

beforeAll(async () => {
  server = await startFakeServer();
  server.route('GET', '/cat.png', (_request, response) => response.bytes(200, Buffer.from(png), 'image/png'));
  server.route('GET', '/missing.png', (_request, response) => response.json(404, { error: 'Not Found' }));
});
afterAll(() => server.close());

async function failure(promise: Promise<unknown>): Promise<InfermuxError> {
  const error = await rejectionOf(promise);
  expect(InfermuxError.isInstance(error)).toBe(true);
  return error as InfermuxError;
}

describe('resolveBinary', () => {
  it('takes bytes, ArrayBuffers and Blobs, sniffing the media type', async () => {
    expect(await resolveBinary(png, { field: 'inputs' })).toEqual({ data: png, contentType: 'image/png' });
    expect((await resolveBinary(png.buffer, { field: 'inputs' })).contentType).toBe('image/png');
    expect((await resolveBinary(flac, { field: 'inputs' })).contentType).toBe('audio/flac');
    const blob = new Blob([png], { type: 'image/x-custom' });
    expect(await resolveBinary(blob, { field: 'inputs' })).toEqual({ data: png, contentType: 'image/x-custom' });
  });

  it('decodes data: URLs, base64 or not', async () => {
    const url = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    expect(await resolveBinary(url, { field: 'inputs' })).toEqual({ data: png, contentType: 'image/png' });
    expect(await resolveBinary('data:text/plain,hi%20there', { field: 'inputs' })).toEqual({
      data: new TextEncoder().encode('hi there'),
      contentType: 'text/plain',
    });
    expect((await failure(resolveBinary('data:nonsense', { field: 'inputs.image' }))).message).toContain(
      'inputs.image',
    );
  });

  it('downloads http(s) URLs through the transport', async () => {
    const resolved = await resolveBinary(`${server.url}/cat.png`, { field: 'inputs', transport });
    expect(resolved.contentType).toBe('image/png');
    expect(new Uint8Array(resolved.data)).toEqual(png);
    const error = await failure(resolveBinary(`${server.url}/missing.png`, { field: 'inputs', transport }));
    expect(error.message).toMatch(/inputs: downloading .*\/missing\.png failed with HTTP 404/);
  });

  it('reads file paths only where allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'infermux-binary-'));
    const file = join(dir, 'photo.png');
    await writeFile(file, png);
    const refused = await failure(resolveBinary(file, { field: 'inputs' }));
    expect(refused.code).toBe('caller_invalid_input');
    expect(refused.message).toContain('file paths are accepted by the CLI and the server only');
    expect(await resolveBinary(file, { field: 'inputs', allowFilePaths: true })).toEqual({
      data: png,
      contentType: 'image/png',
    });
    expect(
      (await failure(resolveBinary(join(dir, 'nope.png'), { field: 'inputs', allowFilePaths: true }))).message,
    ).toContain('ENOENT');
  });

  it('refuses empty and oversized data, naming the field', async () => {
    expect((await failure(resolveBinary(new Uint8Array(), { field: 'inputs' }))).message).toBe(
      'Invalid inputs: expected non-empty binary data (got 0 bytes)',
    );
    expect((await failure(resolveBinary(png, { field: 'inputs', maxBytes: 4 }))).message).toContain('the limit is 4');
  });
});

describe('resolveBinaryFields', () => {
  it('turns nested binary fields into Blobs and leaves the rest (and the original) alone', async () => {
    const input = {
      inputs: { image: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, question: 'What is it?' },
    };
    const resolved = await resolveBinaryFields(input, ['inputs.image'], {});
    expect(resolved.inputs.question).toBe('What is it?');
    expect(resolved.inputs.image).toBeInstanceOf(Blob);
    expect(await readBinary(resolved.inputs.image as unknown as Blob)).toEqual({ data: png, contentType: 'image/png' });
    expect(typeof input.inputs.image).toBe('string');
  });
});
