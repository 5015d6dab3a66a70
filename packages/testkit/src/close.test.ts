import { Agent } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startFakeServer } from './fake-server.js';
import { rawRequest } from './test-support/raw-request.js';
import { withFakeServer } from './with-fake-server.js';

/** Comfortably below Node's 5 s keep-alive timeout, which a close() that only waited would hit. */
const PROMPT_MS = 1000;

async function timeClose(close: () => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  await close();
  return performance.now() - startedAt;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('close()', () => {
  it('does not wait for an idle keep-alive connection', async () => {
    const server = await startFakeServer();
    server.route('GET', '/ok', (_request, response) => response.text(200, 'ok'));
    const agent = new Agent({ keepAlive: true });
    try {
      await rawRequest(`${server.url}/ok`, { agent });
      expect(server.openConnections).toBe(1);
      expect(await timeClose(() => server.close())).toBeLessThan(PROMPT_MS);
      expect(server.openConnections).toBe(0);
    } finally {
      agent.destroy();
    }
  });

  it('does not wait for a pooled fetch connection', async () => {
    const server = await startFakeServer();
    server.route('GET', '/ok', (_request, response) => response.text(200, 'ok'));
    expect(await (await fetch(`${server.url}/ok`)).text()).toBe('ok');
    expect(await timeClose(() => server.close())).toBeLessThan(PROMPT_MS);
    expect(server.openConnections).toBe(0);
  });

  it('cuts a request whose handler never answers, and the client sees an error', async () => {
    const server = await startFakeServer();
    server.route('GET', '/hang', () => {
      // Deliberately never answers.
    });
    const pending = rawRequest(`${server.url}/hang`);
    await expect.poll(() => server.requestCount).toBe(1);
    expect(await timeClose(() => server.close())).toBeLessThan(PROMPT_MS);
    expect((await pending).error?.code).toBe('ECONNRESET');
  });

  it('cuts an endless delay-headers stall and clears its timer', async () => {
    const server = await startFakeServer();
    server.route('GET', '/ok', (_request, response) => response.text(200, 'ok'));
    const timersBefore = activeTimers();
    server.fault('/ok', { kind: 'delay-headers', ms: Number.POSITIVE_INFINITY });
    // Settled into a value at once, so the rejection during close() is not reported as unhandled.
    const outcome = fetch(`${server.url}/ok`).then(
      (response) => response.status,
      (error: unknown) => error,
    );
    await expect.poll(() => server.requestCount).toBe(1);
    // The count is process-wide: the client's own timers come and go meanwhile, so wait until it shows the delay timer.
    await expect.poll(() => activeTimers()).toBeGreaterThan(timersBefore);
    expect(await timeClose(() => server.close())).toBeLessThan(PROMPT_MS);
    expect(await outcome).toBeInstanceOf(TypeError);
    await expect.poll(() => activeTimers()).toBe(timersBefore);
  });

  it('cuts a stream stalled mid-body', async () => {
    const server = await startFakeServer();
    server.route('GET', '/stream', (_request, response) => response.sse(['a', 'b']));
    server.fault('/stream', { kind: 'stall-mid-stream', afterBytes: 3, ms: 3_600_000 });
    const pending = rawRequest(`${server.url}/stream`);
    await expect.poll(() => server.requestCount).toBe(1);
    expect(await timeClose(() => server.close())).toBeLessThan(PROMPT_MS);
    const raw = await pending;
    expect(raw.status).toBe(200);
    expect(raw.body.toString()).toBe('dat');
    expect(raw.error).toBeDefined();
  });

  it('can be called again, and by Symbol.asyncDispose', async () => {
    const server = await startFakeServer();
    await server[Symbol.asyncDispose]();
    await server.close();
    expect(server.port).toBeGreaterThan(0);
    await expect(fetch(server.url)).rejects.toThrow(TypeError);
  });
});

describe('withFakeServer', () => {
  it('closes the server after the callback, even when it throws', async () => {
    let url = '';
    await expect(
      withFakeServer((server) => {
        url = server.url;
        throw new Error('test failed');
      }),
    ).rejects.toThrow('test failed');
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it('returns what the callback returns', async () => {
    expect(await withFakeServer((server) => server.port)).toBeGreaterThan(0);
  });
});
