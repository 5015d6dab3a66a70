import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './fake-server.js';
import { SSE_DONE_FRAME, sseFrame } from './sse-frame.js';
import { rawRequest } from './test-support/raw-request.js';

let server: FakeServer;
const LARGE_BODY = { text: 'x'.repeat(10_000) };
const LARGE_JSON = JSON.stringify(LARGE_BODY);

beforeEach(async () => {
  server = await startFakeServer();
  server.route('GET', '/ok', (_request, response) => response.text(200, 'ok'));
  server.route('GET', '/large', (_request, response) => response.json(200, LARGE_BODY));
  server.route('GET', '/stream', (_request, response) => response.sse([{ n: 1 }, { n: 2 }, { n: 3 }], { done: true }));
});

afterEach(async () => {
  await server.close();
});

describe('status fault', () => {
  it('answers with the status, headers and a default JSON body instead of the route', async () => {
    server.fault('GET /ok', { kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
    const response = await fetch(`${server.url}/ok`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toEqual({ error: 'Too Many Requests' });
  });

  it('sends object bodies as JSON and strings as text', async () => {
    server.fault('/ok', { kind: 'status', status: 503, body: { error: 'Model is loading', estimated_time: 20 } });
    server.fault('/ok', { kind: 'status', status: 502, body: 'Bad Gateway' });
    const first = await fetch(`${server.url}/ok`);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(await first.json()).toEqual({ error: 'Model is loading', estimated_time: 20 });
    const second = await fetch(`${server.url}/ok`);
    expect(second.status).toBe(502);
    expect(second.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await second.text()).toBe('Bad Gateway');
  });
});

describe('delay-headers fault', () => {
  it('holds the response back by about ms, then lets the route answer', async () => {
    server.fault('/ok', { kind: 'delay-headers', ms: 250 });
    const response = await rawRequest(`${server.url}/ok`);
    const waited = response.headersAt - response.startedAt;
    expect(waited).toBeGreaterThanOrEqual(240);
    expect(waited).toBeLessThan(1000);
    expect(response.body.toString()).toBe('ok');
    const next = await rawRequest(`${server.url}/ok`);
    expect(next.headersAt - next.startedAt).toBeLessThan(200);
  });
});

describe('reset fault', () => {
  it('destroys the connection without a response', async () => {
    server.fault('/ok', { kind: 'reset' });
    const raw = await rawRequest(`${server.url}/ok`);
    expect(raw.status).toBe(0);
    expect(raw.error?.code).toBe('ECONNRESET');
    server.fault('/ok', { kind: 'reset' });
    await expect(fetch(`${server.url}/ok`)).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(2);
  });
});

describe('malformed-json fault', () => {
  it('answers 200 application/json with a body that does not parse', async () => {
    server.fault('/large', { kind: 'malformed-json' });
    const response = await fetch(`${server.url}/large`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('uses the given status', async () => {
    server.fault('/large', { kind: 'malformed-json', status: 500 });
    expect((await fetch(`${server.url}/large`)).status).toBe(500);
  });
});

describe('cut-body fault', () => {
  it('sends status, headers and afterBytes of a JSON body, then closes the connection', async () => {
    server.fault('/large', { kind: 'cut-body', afterBytes: 100 });
    const raw = await rawRequest(`${server.url}/large`);
    expect(raw.status).toBe(200);
    expect(raw.headers['content-length']).toBe(String(LARGE_JSON.length));
    expect(raw.body.toString()).toBe(LARGE_JSON.slice(0, 100));
    expect(raw.error?.code).toBe('ECONNRESET');
  });

  it('makes fetch fail mid-body after a successful status', async () => {
    server.fault('/large', { kind: 'cut-body', afterBytes: 100 });
    const response = await fetch(`${server.url}/large`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('cuts an SSE stream between frames', async () => {
    const firstFrame = sseFrame({ n: 1 });
    server.fault('/stream', { kind: 'cut-body', afterBytes: firstFrame.length });
    const response = await fetch(`${server.url}/stream`);
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let received = '';
    const failure = await (async () => {
      try {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) return undefined;
          received += decoder.decode(value, { stream: true });
        }
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toBeInstanceOf(TypeError);
    expect(received).toBe(firstFrame);
  });

  it('cuts an SSE stream after afterEvents whole events', async () => {
    server.fault('/stream', { kind: 'cut-body', afterEvents: 2 });
    const response = await fetch(`${server.url}/stream`);
    await expect(response.text()).rejects.toThrow(TypeError);
    server.fault('/stream', { kind: 'cut-body', afterEvents: 2 });
    const raw = await fetch(`${server.url}/stream`);
    const reader = raw.body?.getReader();
    let received = '';
    try {
      for (;;) {
        const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
        if (done) break;
        received += new TextDecoder().decode(value);
      }
    } catch {
      // the cut
    }
    expect(received).toBe(sseFrame({ n: 1 }) + sseFrame({ n: 2 }));
  });

  it('stalls an SSE stream after afterEvents whole events', async () => {
    server.fault('/stream', { kind: 'stall-mid-stream', afterEvents: 1, ms: 300 });
    const started = Date.now();
    const response = await fetch(`${server.url}/stream`);
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toBe(sseFrame({ n: 1 }));
    expect(Date.now() - started).toBeLessThan(250);
    let rest = '';
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(rest).toBe(`${sseFrame({ n: 2 })}${sseFrame({ n: 3 })}data: [DONE]\n\n`);
  });

  it('refuses a fault point given both ways, or neither', () => {
    expect(() => server.fault('/stream', { kind: 'cut-body' } as never)).toThrow(/exactly one/);
    expect(() => server.fault('/stream', { kind: 'cut-body', afterBytes: 1, afterEvents: 1 } as never)).toThrow(
      /exactly one/,
    );
  });

  it('with afterBytes 0 sends only the headers', async () => {
    server.fault('/large', { kind: 'cut-body', afterBytes: 0 });
    const raw = await rawRequest(`${server.url}/large`);
    expect(raw.status).toBe(200);
    expect(raw.body.length).toBe(0);
    expect(raw.error).toBeDefined();
  });

  it('leaves a body no longer than afterBytes whole', async () => {
    server.fault('/ok', { kind: 'cut-body', afterBytes: 2 });
    const raw = await rawRequest(`${server.url}/ok`);
    expect(raw.error).toBeUndefined();
    expect(raw.body.toString()).toBe('ok');
  });
});

describe('slow-body fault', () => {
  it('delivers the body in chunkBytes pieces with delayMs between them', async () => {
    server.route('GET', '/digits', (_request, response) => response.text(200, '0123456789'));
    server.fault('/digits', { kind: 'slow-body', chunkBytes: 4, delayMs: 50 });
    const raw = await rawRequest(`${server.url}/digits`);
    expect(raw.error).toBeUndefined();
    expect(raw.headers['content-length']).toBe('10');
    expect(raw.chunks.map((chunk) => chunk.bytes.toString())).toEqual(['0123', '4567', '89']);
    const last = raw.chunks.at(-1)?.at ?? 0;
    expect(last - (raw.chunks[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
  });

  it('slows a streamed body too, keeping every byte', async () => {
    server.fault('/stream', { kind: 'slow-body', chunkBytes: 5, delayMs: 5 });
    const raw = await rawRequest(`${server.url}/stream`);
    const expected = [1, 2, 3].map((n) => sseFrame({ n })).join('') + SSE_DONE_FRAME;
    expect(raw.body.toString()).toBe(expected);
    expect(raw.chunks.length).toBeGreaterThanOrEqual(Math.ceil(expected.length / 5));
  });
});

describe('stall-mid-stream fault', () => {
  it('sends the first afterBytes, pauses ms, then sends the rest', async () => {
    const firstFrame = sseFrame({ n: 1 });
    server.fault('/stream', { kind: 'stall-mid-stream', afterBytes: firstFrame.length, ms: 300 });
    const raw = await rawRequest(`${server.url}/stream`);
    expect(raw.error).toBeUndefined();
    expect(raw.chunks[0]?.bytes.toString()).toBe(firstFrame);
    const pause = (raw.chunks[1]?.at ?? 0) - (raw.chunks[0]?.at ?? 0);
    expect(pause).toBeGreaterThanOrEqual(280);
    expect(pause).toBeLessThan(1000);
    expect(raw.body.toString()).toBe([1, 2, 3].map((n) => sseFrame({ n })).join('') + SSE_DONE_FRAME);
  });

  it('splits a single JSON body at afterBytes', async () => {
    server.fault('/large', { kind: 'stall-mid-stream', afterBytes: 10, ms: 150 });
    const raw = await rawRequest(`${server.url}/large`);
    expect(raw.chunks[0]?.bytes.toString()).toBe(LARGE_JSON.slice(0, 10));
    expect((raw.chunks[1]?.at ?? 0) - (raw.chunks[0]?.at ?? 0)).toBeGreaterThanOrEqual(130);
    expect(raw.body.toString()).toBe(LARGE_JSON);
  });

  it('with afterBytes 0 sends the headers at once and stalls before the body', async () => {
    server.fault('/large', { kind: 'stall-mid-stream', afterBytes: 0, ms: 200 });
    const raw = await rawRequest(`${server.url}/large`);
    expect(raw.headersAt - raw.startedAt).toBeLessThan(150);
    expect((raw.chunks[0]?.at ?? 0) - raw.headersAt).toBeGreaterThanOrEqual(180);
    expect(raw.body.toString()).toBe(LARGE_JSON);
  });
});

describe('inject-bytes fault', () => {
  it('sends the body up to the fault point, the injected bytes, then the rest', async () => {
    server.fault('/stream', { kind: 'inject-bytes', afterEvents: 1, bytes: 'data: {"n":\n\n' });
    const raw = await rawRequest(`${server.url}/stream`);
    expect(raw.error).toBeUndefined();
    expect(raw.body.toString()).toBe(
      `${sseFrame({ n: 1 })}data: {"n":\n\n${[2, 3].map((n) => sseFrame({ n })).join('')}${SSE_DONE_FRAME}`,
    );
  });
});

describe('fault queue', () => {
  it('applies a fault `times` times, then lets the route answer', async () => {
    const handle = server.fault('/ok', { kind: 'status', status: 503 }, { times: 2 });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) statuses.push((await fetch(`${server.url}/ok`)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(handle.applied).toBe(2);
    expect(handle.remaining).toBe(0);
  });

  it('defaults to once, and Infinity lasts until cancelled', async () => {
    server.fault('/ok', { kind: 'status', status: 500 });
    expect((await fetch(`${server.url}/ok`)).status).toBe(500);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    const forever = server.fault('/ok', { kind: 'status', status: 500 }, { times: Number.POSITIVE_INFINITY });
    for (let index = 0; index < 5; index++) expect((await fetch(`${server.url}/ok`)).status).toBe(500);
    forever.cancel();
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    expect(forever.applied).toBe(5);
  });

  it('gives each request the oldest matching fault', async () => {
    server.fault('/ok', { kind: 'status', status: 502 });
    server.fault('/ok', { kind: 'status', status: 503 });
    expect((await fetch(`${server.url}/ok`)).status).toBe(502);
    expect((await fetch(`${server.url}/ok`)).status).toBe(503);
  });

  it('matches by method, by path pattern, and by predicate over the body', async () => {
    server.route('POST', '/models/:name', (_request, response) => response.text(200, 'ok'));
    server.fault('POST /models/:name', { kind: 'status', status: 500 });
    server.fault({ method: 'GET' }, { kind: 'status', status: 501 });
    server.fault((request) => request.json<{ model?: string }>().model === 'slow', { kind: 'status', status: 504 });
    expect((await fetch(`${server.url}/ok`)).status).toBe(501);
    expect((await fetch(`${server.url}/models/gpt2`, { method: 'POST', body: '{}' })).status).toBe(500);
    expect((await fetch(`${server.url}/models/gpt2`, { method: 'POST', body: '{"model":"fast"}' })).status).toBe(200);
    expect((await fetch(`${server.url}/models/gpt2`, { method: 'POST', body: '{"model":"slow"}' })).status).toBe(504);
  });

  it('leaves non-matching requests alone', async () => {
    const handle = server.fault('POST /ok', { kind: 'status', status: 500 });
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    expect(handle.remaining).toBe(1);
  });

  it('rejects faults that would silently do nothing', () => {
    expect(() => server.fault('/ok', { kind: 'status', status: 503 }, { times: 0 })).toThrow(RangeError);
    expect(() => server.fault('/ok', { kind: 'slow-body', chunkBytes: 0, delayMs: 10 })).toThrow(RangeError);
    expect(() => server.fault('/ok', { kind: 'delay-headers', ms: -1 })).toThrow(RangeError);
    expect(() => server.fault('/ok', { kind: 'typo' } as never)).toThrow(TypeError);
  });
});
