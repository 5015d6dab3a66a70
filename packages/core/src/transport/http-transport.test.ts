import { once } from 'node:events';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { type FakeServer, rejectionOf, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { httpError } from './http-error';
import { createHttpTransport } from './http-transport';
import { parseSse } from './sse';

let server: FakeServer;
const transport = createHttpTransport();

beforeAll(async () => {
  server = await startFakeServer();
  server.route('GET', '/json', (_request, response) => response.json(200, { ok: true }, { 'x-request-id': 'req-123' }));
  server.route('GET', '/stream', (_request, response) =>
    response.sse(
      [
        { n: 1, text: 'héllo' },
        { n: 2, text: '👋 world' },
        { n: 3, text: 'bye' },
      ],
      { done: true },
    ),
  );
  server.route('GET', '/big', (_request, response) => response.text(200, 'x'.repeat(4000)));
  server.route('GET', '/huge', (_request, response) => response.text(200, 'y'.repeat(1_000_000)));
  server.route('POST', '/echo-auth', (request, response) =>
    response.json(401, { error: `Invalid credentials in Authorization header: ${request.headers.authorization}` }),
  );
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function failure(promise: Promise<unknown>): Promise<InfermuxError> {
  const error = await rejectionOf(promise);
  expect(InfermuxError.isInstance(error)).toBe(true);
  return error as InfermuxError;
}

describe('createHttpTransport', () => {
  it('returns status, lower-cased headers, request id and JSON', async () => {
    const response = await transport.request({
      method: 'GET',
      url: `${server.url}/json`,
      headers: { 'X-Custom': 'yes' },
    });
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^application\/json/);
    expect(response.requestId).toBe('req-123');
    expect(await response.json()).toEqual({ ok: true });
    expect(server.requests[0]?.headers['x-custom']).toBe('yes');
  });

  it('fires the first-byte timeout on a stall before headers', async () => {
    server.fault('GET /json', { kind: 'delay-headers', ms: 5_000 });
    const started = performance.now();
    const error = await failure(
      transport.request({ method: 'GET', url: `${server.url}/json`, timeouts: { firstByteMs: 150 } }),
    );
    expect(error).toMatchObject({
      code: 'provider_timeout',
      retryable: true,
      details: { phase: 'first-byte', timeoutMs: 150 },
    });
    expect(performance.now() - started).toBeLessThan(800);
  });

  it('fires the idle timeout when the body stalls mid-way', async () => {
    server.fault('GET /stream', { kind: 'stall-mid-stream', afterBytes: 20, ms: 5_000 });
    const response = await transport.request({ method: 'GET', url: `${server.url}/stream`, timeouts: { idleMs: 150 } });
    const started = performance.now();
    const error = await failure(response.text());
    expect(performance.now() - started).toBeLessThan(800);
    expect(error).toMatchObject({ code: 'provider_timeout', details: { phase: 'idle' } });
  });

  it('fires the total timeout on a body that trickles slower than the limit', async () => {
    server.fault('GET /big', { kind: 'slow-body', chunkBytes: 200, delayMs: 40 });
    const response = await transport.request({
      method: 'GET',
      url: `${server.url}/big`,
      timeouts: { idleMs: 1_000, totalMs: 300 },
    });
    const error = await failure(response.text());
    expect(error).toMatchObject({ code: 'provider_timeout', details: { phase: 'total', timeoutMs: 300 } });
  });

  it('fires the connect timeout when the server cannot accept', async () => {
    // A listener with a full accept queue whose thread is blocked: SYNs go unanswered.
    const blocked = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const server = require('node:net').createServer(() => {});
       server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         parentPort.postMessage(server.address().port);
         setTimeout(() => Atomics.wait(workerData, 0, 0, 4000), 50);
       });`,
      { eval: true, workerData: blocked },
    );
    const [port] = (await once(worker, 'message')) as [number];
    await new Promise((resolve) => setTimeout(resolve, 150));
    const fillers = Array.from({ length: 4 }, () => net.connect(port, '127.0.0.1').on('error', () => undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
    try {
      const fresh = createHttpTransport({ timeouts: { connectMs: 250 } });
      const error = await failure(fresh.request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
      expect(error).toMatchObject({ code: 'provider_timeout', details: { phase: 'connect', timeoutMs: 250 } });
    } finally {
      Atomics.notify(blocked, 0);
      for (const socket of fillers) socket.destroy();
      await worker.terminate();
    }
  });

  it('reaches the socket when the caller aborts', async () => {
    server.fault('GET /json', { kind: 'delay-headers', ms: 5_000 });
    const controller = new AbortController();
    const pending = transport.request({ method: 'GET', url: `${server.url}/json`, signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const connectionId = server.requests[0]?.connectionId as number;
    expect(server.isConnectionOpen(connectionId)).toBe(true);
    controller.abort();
    const error = await failure(pending);
    expect(error.code).toBe('caller_aborted');
    expect(error.retryable).toBe(false);
    for (let waited = 0; server.isConnectionOpen(connectionId) && waited < 2_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(server.isConnectionOpen(connectionId)).toBe(false);
  });

  it('turns a connection reset into a retryable network error', async () => {
    server.fault('GET /json', { kind: 'reset' });
    const error = await failure(transport.request({ method: 'GET', url: `${server.url}/json` }));
    expect(error).toMatchObject({ code: 'provider_network', retryable: true });
  });

  it('turns a 200 that is not JSON into provider_bad_response with the raw body', async () => {
    server.fault('GET /json', { kind: 'malformed-json', body: '{"ok": tru' });
    const response = await transport.request({ method: 'GET', url: `${server.url}/json`, provider: 'fake' });
    const error = await failure(response.json());
    expect(error).toMatchObject({
      code: 'provider_bad_response',
      provider: 'fake',
      details: { rawBody: '{"ok": tru', upstreamStatus: 200 },
    });
  });

  it('reports a body cut half-way as a network error, not a short success', async () => {
    server.fault('GET /big', { kind: 'cut-body', afterBytes: 100 });
    const response = await transport.request({ method: 'GET', url: `${server.url}/big` });
    const error = await failure(response.text());
    expect(error.code).toBe('provider_network');
  });

  it('parses SSE across arbitrary network chunk boundaries', async () => {
    server.fault('GET /stream', { kind: 'slow-body', chunkBytes: 3, delayMs: 1 });
    const response = await transport.request({ method: 'GET', url: `${server.url}/stream` });
    const data = [];
    for await (const event of parseSse(response.body)) data.push(event.data);
    expect(data).toEqual(['{"n":1,"text":"héllo"}', '{"n":2,"text":"👋 world"}', '{"n":3,"text":"bye"}', '[DONE]']);
  });

  it('hands a body bigger than it buffers to a slow reader whole (the upstream is paused, then resumed)', async () => {
    const response = await transport.request({ method: 'GET', url: `${server.url}/huge` });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the body arrives while nobody reads
    let length = 0;
    for await (const chunk of response.body) {
      length += chunk.byteLength;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(length).toBe(1_000_000);
  });

  it('drains a stream left early, so its connection serves the next request', async () => {
    const response = await transport.request({ method: 'GET', url: `${server.url}/stream` });
    for await (const _chunk of response.body) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await (await transport.request({ method: 'GET', url: `${server.url}/json` })).json()).toEqual({ ok: true });
    expect(server.requests[1]?.connectionId).toBe(server.requests[0]?.connectionId);
  });

  it('refuses to read one body twice', async () => {
    const response = await transport.request({ method: 'GET', url: `${server.url}/json` });
    await response.text();
    expect((await failure(response.bytes())).code).toBe('gateway_internal');
  });

  it('rejects at once when the caller aborts a request still waiting for a connection', async () => {
    const single = createHttpTransport({ connections: 1 });
    server.fault('GET /json', { kind: 'delay-headers', ms: 600 });
    const first = single.request({ method: 'GET', url: `${server.url}/json` });
    const controller = new AbortController();
    const queued = single.request({ method: 'GET', url: `${server.url}/json`, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    expect((await failure(queued)).code).toBe('caller_aborted');
    expect(performance.now() - started).toBeLessThan(300);
    await (await first).dispose();
  });

  it('never shows a token from a request header in an error', async () => {
    const token = 'hf_TopSecretToken123456789';
    const response = await transport.request({
      method: 'POST',
      url: `${server.url}/echo-auth`,
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
      provider: 'hf',
    });
    const body = (await response.json()) as { error: string };
    expect(body.error).toContain(token); // the fake echoed it back…
    const error = httpError({
      status: response.status,
      provider: 'hf',
      upstreamMessage: body.error,
      headers: response.headers,
      details: { rawBody: body },
    });
    const serialised = [error.message, JSON.stringify(error), error.stack ?? ''].join('\n');
    expect(serialised).not.toContain(token); // …but the error never carries it.
    expect(error.code).toBe('auth_invalid_credentials');
  });
});
