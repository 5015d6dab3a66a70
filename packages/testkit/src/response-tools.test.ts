import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './fake-server.js';
import { SSE_DONE_FRAME, sseFrame } from './sse-frame.js';
import { rawRequest } from './test-support/raw-request.js';

let server: FakeServer;

beforeEach(async () => {
  server = await startFakeServer();
});

afterEach(async () => {
  await server.close();
});

describe('sseFrame', () => {
  it('JSON-encodes objects and splits multi-line strings into data lines', () => {
    expect(sseFrame({ token: 'hi' })).toBe('data: {"token":"hi"}\n\n');
    expect(sseFrame('plain')).toBe('data: plain\n\n');
    expect(sseFrame('line one\nline two')).toBe('data: line one\ndata: line two\n\n');
  });
});

describe('response tools', () => {
  it('json sets content-type and content-length, and extra headers override case-insensitively', async () => {
    server.route('GET', '/json', (_request, response) =>
      response.json(200, { ok: true }, { 'Content-Type': 'application/vnd.api+json', 'X-Extra': '1' }),
    );
    const response = await rawRequest(`${server.url}/json`);
    expect(response.headers['content-type']).toBe('application/vnd.api+json');
    expect(response.headers['content-length']).toBe('11');
    expect(response.headers['x-extra']).toBe('1');
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it('text and bytes send their bodies with the right content-type', async () => {
    server.route('GET', '/text', (_request, response) => response.text(418, 'teapot ☕'));
    server.route('GET', '/bytes', (_request, response) => response.bytes(200, Buffer.from([1, 2, 3]), 'image/png'));
    const text = await fetch(`${server.url}/text`);
    expect(text.status).toBe(418);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('teapot ☕');
    const bytes = await fetch(`${server.url}/bytes`);
    expect(bytes.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await bytes.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it('sse writes one data frame per event and a final [DONE]', async () => {
    server.route('POST', '/v1/chat/completions', (_request, response) =>
      response.sse([{ choices: [{ delta: { content: 'Hel' } }] }, { choices: [{ delta: { content: 'lo' } }] }], {
        done: true,
        headers: { 'x-request-id': 'req-1' },
      }),
    );
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.text()).toBe(
      'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n' +
        'data: {"choices":[{"delta":{"content":"lo"}}]}\n\n' +
        SSE_DONE_FRAME,
    );
  });

  it('sse without done ends after the last event', async () => {
    server.route('GET', '/events', (_request, response) => response.sse(['a', 'b']));
    expect(await (await fetch(`${server.url}/events`)).text()).toBe('data: a\n\ndata: b\n\n');
  });

  it('sse with delayMs flushes each frame as its own chunk, spaced in time', async () => {
    server.route('GET', '/events', (_request, response) =>
      response.sse([{ n: 1 }, { n: 2 }, { n: 3 }], { delayMs: 60, done: true }),
    );
    const response = await rawRequest(`${server.url}/events`);
    expect(response.error).toBeUndefined();
    expect(response.chunks.map((chunk) => chunk.bytes.toString())).toEqual([
      'data: {"n":1}\n\n',
      'data: {"n":2}\n\n',
      'data: {"n":3}\n\n',
      SSE_DONE_FRAME,
    ]);
    const gaps = response.chunks.slice(1).map((chunk, index) => chunk.at - (response.chunks[index]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(45);
  });

  it('sse stops (and resolves) as soon as the client has gone', async () => {
    let finishedAt = 0;
    server.route('GET', '/events', async (_request, response) => {
      // Finishing normally would take 3 × 1 s after the first frame.
      await response.sse(['a', 'b', 'c', 'd'], { delayMs: 1000 });
      finishedAt = performance.now();
    });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/events`, { signal: controller.signal });
    await response.body?.getReader().read();
    const abortedAt = performance.now();
    controller.abort();
    await expect.poll(() => finishedAt, { timeout: 2000 }).toBeGreaterThan(0);
    expect(finishedAt - abortedAt).toBeLessThan(500);
    expect(server.errors).toEqual([]);
  });
});
