import { afterEach, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1 } from '../provider/provider';
import type { InfermuxEvent } from '../routing/routing-events';
import { startTestFleet, type TestFleet } from '../test-support/test-fleet';
import { modelCalls } from '../test-support/test-upstream';
import { type ClientOptions, createClient } from './create-client';

const input = { inputs: 'I love this' };
const fastRetry = { baseDelayMs: 10, maxDelayMs: 50 };
let fleet: TestFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function setup(upstreams: Parameters<typeof startTestFleet>[0], options: Omit<ClientOptions, 'providers'> = {}) {
  fleet = await startTestFleet(upstreams);
  const events: InfermuxEvent[] = [];
  const client = createClient({
    providers: fleet.providers,
    retry: fastRetry,
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { client, events, servers: fleet.servers };
}

const twoTargets = (extra: Record<string, unknown> = {}) => ({
  clf: {
    strategy: 'priority' as const,
    targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }],
    ...extra,
  },
});

async function caught(promise: Promise<unknown>): Promise<InfermuxError> {
  try {
    await promise;
  } catch (error) {
    if (InfermuxError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('failover between targets (real sockets, fault injection)', () => {
  it('5xx burst on A with B healthy: every request is served by B at once, without backoff', async () => {
    const { client, servers } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault(
      'POST /models/*',
      { kind: 'status', status: 500, body: { error: 'boom' } },
      { times: Number.POSITIVE_INFINITY },
    );
    for (let index = 0; index < 3; index++) {
      const started = Date.now();
      const result = await client.run('text-classification', { model: 'clf', input });
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(result.provider).toBe('b');
      expect(result.output[0]?.label).toBe('B');
      expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode, attempt.status])).toEqual([
        ['a', 'provider_server_error', 500],
        ['b', undefined, undefined],
      ]);
    }
    expect(modelCalls(servers.a!)).toHaveLength(3);
    expect(modelCalls(servers.b!)).toHaveLength(3);
    expect(modelCalls(servers.b!)[0]?.json()).toEqual(input);
  });

  it('connection reset on A fails over to B', async () => {
    const { client, servers, events } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault('POST /models/*', { kind: 'reset' });
    const result = await client.run('text-classification', { model: 'clf', input });
    expect(result.provider).toBe('b');
    expect(result.attempts[0]).toMatchObject({ provider: 'a', errorCode: 'provider_network' });
    expect(modelCalls(servers.a!)).toHaveLength(1);
    expect(events.find((event) => event.type === 'failover')).toMatchObject({
      from: { provider: 'a' },
      to: { provider: 'b' },
      reason: 'provider_network',
    });
  });

  it('stall before headers: A hits its first-byte timeout, B answers; total time ≈ the timeout', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {} },
      {
        routes: {
          clf: {
            targets: [{ model: 'a:org/model@main', timeouts: { firstByteMs: 200 } }, { model: 'b:org/model@main' }],
          },
        },
      },
    );
    servers.a?.fault('POST /models/*', { kind: 'delay-headers', ms: 5_000 });
    const started = Date.now();
    const result = await client.run('text-classification', { model: 'clf', input });
    const elapsed = Date.now() - started;
    expect(result.provider).toBe('b');
    expect(result.attempts[0]).toMatchObject({ provider: 'a', errorCode: 'provider_timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('malformed JSON, a 200 cut half-way and a 200 that is not JSON all fail over, never a bare 500', async () => {
    const { client, servers } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault('POST /models/*', { kind: 'malformed-json' });
    servers.a?.fault('POST /models/*', { kind: 'cut-body', afterBytes: 10 });
    servers.a?.fault('POST /models/*', { kind: 'status', status: 200, body: '<html>proxy error</html>' });
    const codes: Array<string | undefined> = [];
    for (let index = 0; index < 3; index++) {
      const result = await client.run('text-classification', { model: 'clf', input });
      expect(result.provider).toBe('b');
      codes.push(result.attempts[0]?.errorCode);
    }
    expect(codes).toEqual(['provider_bad_response', 'provider_network', 'provider_bad_response']);
    expect(modelCalls(servers.a!)).toHaveLength(3);
  });

  it('a single target that keeps answering non-JSON gives a typed 502 after bounded retries', async () => {
    const { client, servers } = await setup({ a: {} });
    servers.a?.fault(
      'POST /models/*',
      { kind: 'status', status: 200, body: 'not json' },
      { times: Number.POSITIVE_INFINITY },
    );
    const error = await caught(client.run('text-classification', { model: 'a:org/model@main', input }));
    expect(error).toMatchObject({ code: 'provider_bad_response', status: 502 });
    expect(error.message).toMatch(/gave up after 2 attempts/);
    expect(modelCalls(servers.a!)).toHaveLength(2); // maxAttemptsPerTarget
  });

  it('400 context length: no retry on the same target, no blind failover, a clear error; or the configured larger-context fallback', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {}, c: {} },
      {
        routes: {
          ...twoTargets(),
          smart: {
            targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }],
            fallback: { contextLength: 'long' },
          },
          long: { targets: [{ model: 'c:org/model-128k@main' }] },
        },
      },
    );
    const tooLong = {
      kind: 'status' as const,
      status: 400,
      body: { error: "This model's maximum context length is 4096 tokens" },
    };
    servers.a?.fault('POST /models/*', tooLong);
    const error = await caught(client.run('text-classification', { model: 'clf', input }));
    expect(error.code).toBe('caller_context_length_exceeded');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/maximum context length/);
    expect(modelCalls(servers.a!)).toHaveLength(1);
    expect(modelCalls(servers.b!)).toHaveLength(0);

    servers.a?.fault('POST /models/*', tooLong);
    const result = await client.run('text-classification', { model: 'smart', input });
    expect(result.provider).toBe('c');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['a', 'caller_context_length_exceeded'],
      ['c', undefined],
    ]);
    expect(modelCalls(servers.c!)[0]?.path).toBe('/models/org/model-128k');
    expect(modelCalls(servers.b!)).toHaveLength(0);
  });

  it('400 content filter: a clear policy error, no retry anywhere', async () => {
    const { client, servers } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault('POST /models/*', {
      kind: 'status',
      status: 400,
      body: { error: 'Rejected by the content filter' },
    });
    const error = await caught(client.run('text-classification', { model: 'clf', input }));
    expect(error.code).toBe('policy_content_filtered');
    expect(modelCalls(servers.a!)).toHaveLength(1);
    expect(modelCalls(servers.b!)).toHaveLength(0);
  });

  it('429 with Retry-After: A leaves the rotation until it passes, traffic goes to B meanwhile', async () => {
    const { client, servers, events } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault('POST /models/*', {
      kind: 'status',
      status: 429,
      body: { error: 'slow down' },
      headers: { 'retry-after-ms': '400' },
    });
    const first = await client.run('text-classification', { model: 'clf', input });
    const limitedAt = modelCalls(servers.a!)[0]!.receivedAt;
    expect(first.provider).toBe('b');
    expect(first.attempts[0]).toMatchObject({ provider: 'a', errorCode: 'provider_rate_limited', status: 429 });
    // Meanwhile: straight to B, A untouched.
    for (let index = 0; index < 5; index++) {
      const result = await client.run('text-classification', { model: 'clf', input });
      expect(result.provider).toBe('b');
      expect(result.attempts).toHaveLength(1);
    }
    expect(modelCalls(servers.a!)).toHaveLength(1);
    expect(client.health().targets.find((target) => target.provider === 'a')?.coolingUntil).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 450));
    const after = await client.run('text-classification', { model: 'clf', input });
    expect(after.provider).toBe('a');
    expect(modelCalls(servers.a!)[1]!.receivedAt - limitedAt).toBeGreaterThanOrEqual(400);
    expect(events.filter((event) => event.type === 'failover')).toHaveLength(1);
  });

  it('429 with Retry-After in seconds on a single target: waits exactly that long, then retries the same target', async () => {
    const { client, servers, events } = await setup({ a: {} });
    servers.a?.fault('POST /models/*', { kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const result = await client.run('text-classification', { model: 'a:org/model@main', input });
    const [limited, retried] = modelCalls(servers.a!);
    expect(result.provider).toBe('a');
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(990);
    expect(retried!.receivedAt - limited!.receivedAt).toBeLessThan(1_500);
    expect(events.find((event) => event.type === 'retry-scheduled')).toMatchObject({
      reason: 'provider_rate_limited',
      delayMs: expect.any(Number),
    });
  });

  it('retry.order retry-first: waits out a 2 s Retry-After and succeeds on the primary, B untouched', async () => {
    const { client, servers, events } = await setup(
      { a: { chunks: ['Hi from A'] }, b: { chunks: ['Hi from B'] } },
      { routes: twoTargets({ retry: { order: 'retry-first', maxWaitMs: 5_000 } }) },
    );
    servers.a?.fault('POST /v1/chat/completions', { kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    const started = Date.now();
    const stream = client.stream('chat-completion', {
      model: 'clf',
      input: { messages: [{ role: 'user', content: 'hi' }] },
    });
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    const elapsed = Date.now() - started;
    expect(text).toBe('Hi from A');
    expect(elapsed).toBeGreaterThanOrEqual(1_990);
    expect(elapsed).toBeLessThan(2_600);
    expect((await stream.result).attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['a', 'provider_rate_limited'],
      ['a', undefined],
    ]);
    expect(servers.b?.requests).toHaveLength(0);
    expect(events.filter((event) => event.type === 'failover')).toHaveLength(0);
  });

  it('retry.order retry-first: a Retry-After beyond maxWaitMs moves on to the next target at once', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {} },
      { routes: twoTargets({ retry: { order: 'retry-first', maxWaitMs: 500 } }) },
    );
    servers.a?.fault('POST /models/*', { kind: 'status', status: 429, headers: { 'retry-after': '2' } });
    const started = Date.now();
    const result = await client.run('text-classification', { model: 'clf', input });
    expect(result.provider).toBe('b');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('retry.order retry-first: a 503 is retried on the primary before failing over', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {} },
      { routes: twoTargets({ retry: { order: 'retry-first' } }) },
    );
    servers.a?.fault('POST /models/*', { kind: 'status', status: 503 });
    const result = await client.run('text-classification', { model: 'clf', input });
    expect(result.attempts.map((attempt) => attempt.provider)).toEqual(['a', 'a']);
    expect(modelCalls(servers.b!)).toHaveLength(0);
  });

  it('503 model loading with estimated_time: waits for it, capped by the deadline', async () => {
    const { client, servers } = await setup({ a: {} });
    const loading = {
      kind: 'status' as const,
      status: 503,
      body: { error: 'Model org/model is currently loading', estimated_time: 0.3 },
    };
    servers.a?.fault('POST /models/*', loading);
    const result = await client.run('text-classification', { model: 'a:org/model@main', input });
    const [first, second] = modelCalls(servers.a!);
    expect(result.attempts.map((attempt) => attempt.errorCode)).toEqual(['provider_model_loading', undefined]);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(290);

    // A deadline shorter than the estimate: give up at once with the upstream's reason, do not sleep past it.
    const short = createClient({ providers: fleet!.providers, retry: { ...fastRetry, deadlineMs: 200 } });
    servers.a?.fault('POST /models/*', { ...loading, body: { ...loading.body, estimated_time: 20 } });
    const started = Date.now();
    const error = await caught(short.run('text-classification', { model: 'a:org/model@main', input }));
    expect(error).toMatchObject({ code: 'provider_model_loading', retryAfterMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(200);
  });

  it('caller abort mid-request: rejects at once and closes the upstream connection; no failover', async () => {
    const { client, servers } = await setup({ a: { delayMs: 5_000 }, b: {} }, { routes: twoTargets() });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'clf', input, signal: controller.signal }));
    expect(error.code).toBe('caller_aborted');
    expect(Date.now() - started).toBeLessThan(1_000);
    const received = modelCalls(servers.a!);
    expect(received).toHaveLength(1);
    await waitFor(() => !servers.a!.isConnectionOpen(received[0]!.connectionId));
    expect(modelCalls(servers.b!)).toHaveLength(0);
  });

  it('a signal already aborted: caller_aborted (499) on run, stream, batch, forward and submit; nothing goes upstream', async () => {
    const { client, servers } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    const signal = AbortSignal.abort();
    const chat = { messages: [{ role: 'user' as const, content: 'hi' }] };
    const calls: Record<string, () => Promise<unknown>> = {
      run: () => client.run('text-classification', { model: 'clf', input, signal }),
      stream: async () => {
        for await (const _part of client.stream('chat-completion', { model: 'a:org/model', input: chat, signal }));
      },
      batch: async () => {
        const [item] = await client.batch('text-classification', { model: 'clf', inputs: [input], signal });
        if (item && 'error' in item) throw item.error;
      },
      forward: () => client.forward('chat-completion', { model: 'a:org/model', input: chat, wire: 'openai', signal }),
      submit: () => client.submit('video-generation', { model: 'a:sora-2', input: { prompt: 'x' }, signal }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const error = await caught(call());
      expect({ name, code: error.code, status: error.status }).toEqual({ name, code: 'caller_aborted', status: 499 });
    }
    expect(servers.a!.requests).toHaveLength(0);
    expect(servers.b!.requests).toHaveLength(0);
  });

  it("per-call credentials: sent as that provider's key, only on its targets, never from the cache; no target of theirs → refused", async () => {
    const { client, servers } = await setup({ a: {}, b: {} }, { routes: twoTargets(), cache: true });
    const credentials = { b: 'caller-token-for-b' };
    for (let call = 0; call < 2; call++) {
      const result = await client.run('text-classification', { model: 'clf', input, credentials });
      expect(result.provider).toBe('b');
    }
    const received = modelCalls(servers.b!);
    expect(received.map((request) => request.headers.authorization)).toEqual([
      'Bearer caller-token-for-b',
      'Bearer caller-token-for-b',
    ]);
    expect(modelCalls(servers.a!)).toHaveLength(0);
    // Without credentials the route is whole again and its first target answers (nothing of b's token on it).
    await client.run('text-classification', { model: 'clf', input });
    expect(modelCalls(servers.a!).map((request) => request.headers.authorization)).toEqual([undefined]);
    const error = await caught(client.run('text-classification', { model: 'clf', input, credentials: { c: 'x' } }));
    expect(error).toMatchObject({ code: 'caller_unsupported', details: { field: 'credentials', route: 'clf' } });
  });

  it('all targets down: one clear error listing every attempt', async () => {
    const { client, servers, events } = await setup({ a: {}, b: {} }, { routes: twoTargets() });
    servers.a?.fault('POST /models/*', { kind: 'status', status: 500 }, { times: Number.POSITIVE_INFINITY });
    servers.b?.fault('POST /models/*', { kind: 'status', status: 503 }, { times: Number.POSITIVE_INFINITY });
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'clf', input }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('gateway_all_targets_failed');
    expect(error.message).toMatch(/All targets of "clf" failed after 4 attempts/);
    expect(error.message).toMatch(/a:org\/model@main → provider_server_error \(HTTP 500\)/);
    expect(error.message).toMatch(/b:org\/model@main → provider_unavailable \(HTTP 503\)/);
    expect((error.details?.attempts as unknown[] | undefined)?.length).toBe(4);
    expect(modelCalls(servers.a!)).toHaveLength(2);
    expect(modelCalls(servers.b!)).toHaveLength(2);
    const end = events.find((event) => event.type === 'request-end');
    expect(end).toMatchObject({
      status: 'error',
      errorCode: 'gateway_all_targets_failed',
      route: 'clf',
      task: 'text-classification',
    });
  });

  it('breaker opens after consecutive failures, skips A while open, and a half-open probe closes it', async () => {
    const { client, servers, events } = await setup(
      { a: {}, b: {} },
      { routes: twoTargets(), breaker: { consecutiveFailures: 2, cooldownMs: 300 } },
    );
    servers.a?.fault('POST /models/*', { kind: 'status', status: 500 }, { times: 2 });
    await client.run('text-classification', { model: 'clf', input });
    await client.run('text-classification', { model: 'clf', input });
    expect(events.filter((event) => event.type.startsWith('breaker-')).map((event) => event.type)).toEqual([
      'breaker-open',
    ]);
    expect(client.health().targets.find((target) => target.provider === 'a')?.breaker).toBe('open');

    const whileOpen = await client.run('text-classification', { model: 'clf', input });
    expect(whileOpen.attempts.map((attempt) => attempt.provider)).toEqual(['b']);
    expect(modelCalls(servers.a!)).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 320));
    const probe = await client.run('text-classification', { model: 'clf', input });
    expect(probe.provider).toBe('a');
    expect(events.filter((event) => event.type.startsWith('breaker-')).map((event) => event.type)).toEqual([
      'breaker-open',
      'breaker-half-open',
      'breaker-close',
    ]);
    expect(client.health().targets.find((target) => target.provider === 'a')?.breaker).toBe('closed');
  });

  it('least-latency shifts traffic off a target that turns slow', async () => {
    let slowA = false;
    const { client, servers } = await setup(
      { a: { delayMs: () => (slowA ? 600 : 2) }, b: { delayMs: 2 } },
      {
        routes: {
          clf: { strategy: 'least-latency', targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }] },
        },
      },
    );
    for (let index = 0; index < 10; index++) await client.run('text-classification', { model: 'clf', input });
    const aBefore = modelCalls(servers.a!).length;
    expect(aBefore).toBeGreaterThan(0);
    slowA = true;
    for (let index = 0; index < 20; index++) await client.run('text-classification', { model: 'clf', input });
    const aDuring = modelCalls(servers.a!).length - aBefore;
    // At most one slow answer teaches the EWMA (600 ms: far above any B latency, even on a loaded machine).
    expect(aDuring).toBeLessThanOrEqual(1);
    expect(modelCalls(servers.b!).length).toBeGreaterThanOrEqual(19);
  });

  it('rate limiter holds a set rate against a real upstream', async () => {
    const { client, servers, events } = await setup(
      { a: {} },
      { limits: { providers: { a: { requestsPerSecond: 20, burst: 1 } } } },
    );
    await Promise.all(
      Array.from({ length: 10 }, () => client.run('text-classification', { model: 'a:org/model@main', input })),
    );
    const times = modelCalls(servers.a!)
      .map((request) => request.receivedAt)
      .sort((x, y) => x - y);
    expect(times).toHaveLength(10);
    // 9 gaps of 50 ms = 450 ms at the limiter. Measured at the upstream, a first request delayed on a loaded
    // machine (its connection set up while the others queue) shortens the span; without the limiter it is ~0.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(250);
    expect(times.at(-1)! - times[0]!).toBeLessThan(1_500);
    expect(events.filter((event) => event.type === 'rate-limit-wait')).toHaveLength(9);
  });

  it('a hedged request beats a slow primary and cancels the loser', async () => {
    const { client, servers } = await setup(
      { a: { delayMs: 3_000 }, b: { delayMs: 5 } },
      {
        routes: {
          clf: {
            targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }],
            hedge: { enabled: true, delayMs: 100 },
          },
        },
      },
    );
    const started = Date.now();
    const result = await client.run('text-classification', { model: 'clf', input });
    const elapsed = Date.now() - started;
    expect(result.provider).toBe('b');
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1_000);
    expect(result.attempts).toEqual([
      expect.objectContaining({ provider: 'b', hedged: true }),
      expect.objectContaining({ provider: 'a', errorCode: 'caller_aborted' }),
    ]);
    expect(result.attempts.find((attempt) => attempt.provider === 'b')?.errorCode).toBeUndefined();
    const [primary] = modelCalls(servers.a!);
    await waitFor(() => !servers.a!.isConnectionOpen(primary!.connectionId));
    expect(modelCalls(servers.b!)).toHaveLength(1);
  });

  it("hedges after the primary target's recent p95, not the configured fallback delay", async () => {
    let slowA = false;
    const { client } = await setup(
      { a: { delayMs: () => (slowA ? 3_000 : 5) }, b: { delayMs: 5 } },
      {
        routes: {
          clf: {
            targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }],
            hedge: { enabled: true, delayMs: 2_000 },
          },
        },
      },
    );
    for (let index = 0; index < 6; index++)
      expect((await client.run('text-classification', { model: 'clf', input })).provider).toBe('a');
    slowA = true;
    const started = Date.now();
    const result = await client.run('text-classification', { model: 'clf', input });
    expect(result.provider).toBe('b');
    expect(Date.now() - started).toBeLessThan(1_000); // far below the 2 s fallback: the p95 (~10 ms) decided
  });

  it('a caller abort cancels both hedged copies', async () => {
    const { client, servers } = await setup(
      { a: { delayMs: 3_000 }, b: { delayMs: 3_000 } },
      {
        routes: {
          clf: {
            targets: [{ model: 'a:org/model@main' }, { model: 'b:org/model@main' }],
            hedge: { enabled: true, delayMs: 50 },
          },
        },
      },
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const error = await caught(client.run('text-classification', { model: 'clf', input, signal: controller.signal }));
    expect(error.code).toBe('caller_aborted');
    const [onA] = modelCalls(servers.a!);
    const [onB] = modelCalls(servers.b!);
    await waitFor(
      () => !servers.a!.isConnectionOpen(onA!.connectionId) && !servers.b!.isConnectionOpen(onB!.connectionId),
    );
  });

  it('weighted routes split live traffic exactly by weight (smooth round-robin)', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {} },
      {
        routes: {
          clf: {
            strategy: 'weighted',
            targets: [
              { model: 'a:org/model@main', weight: 3 },
              { model: 'b:org/model@main', weight: 1 },
            ],
          },
        },
      },
    );
    const served: string[] = [];
    for (let index = 0; index < 100; index++)
      served.push((await client.run('text-classification', { model: 'clf', input })).provider);
    expect(modelCalls(servers.a!)).toHaveLength(75);
    expect(modelCalls(servers.b!)).toHaveLength(25);
    expect(served.slice(0, 4).sort()).toEqual(['a', 'a', 'a', 'b']);
  });

  it("the caller's own requestId is on every event of the call; a bad one is a typed error naming the field", async () => {
    const { client, events } = await setup({ a: {} });
    await client.run('text-classification', { model: 'a:org/model@main', input, requestId: 'req_caller_42' });
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((event) => (event as { requestId?: string }).requestId))).toEqual(
      new Set(['req_caller_42']),
    );
    await client.run('text-classification', { model: 'a:org/model@main', input });
    const generated = events.at(-1) as { requestId: string };
    expect(generated.requestId).not.toBe('req_caller_42');
    expect(generated.requestId.length).toBeGreaterThan(0);
    for (const requestId of ['', 'x'.repeat(129), 42]) {
      const error = await caught(
        client.run('text-classification', { model: 'a:org/model@main', input, requestId: requestId as string }),
      );
      expect(error).toMatchObject({ code: 'caller_invalid_input', details: { field: 'requestId' } });
      expect(error.message).toContain('requestId');
    }
  });

  it('a single-target model reference still gets retries, pricing and the request-end event', async () => {
    const { client, servers, events } = await setup(
      { a: {} },
      { prices: { version: 'v7', models: { 'a:org/model': { perRequest: 0.001 } } } },
    );
    servers.a?.fault('POST /models/*', { kind: 'status', status: 502 });
    const result = await client.run('text-classification', { model: 'a:org/model@main', input });
    expect(result.attempts.map((attempt) => attempt.errorCode)).toEqual(['provider_server_error', undefined]);
    expect(result.cost).toEqual({ amount: 0.001, currency: 'USD', source: 'config', priceVersion: 'v7' });
    expect(result.cached).toBe(false);
    expect(modelCalls(servers.a!)[1]?.query.get('revision')).toBe('main');
    const end = events.find((event) => event.type === 'request-end');
    expect(end).toMatchObject({
      type: 'request-end',
      kind: 'run',
      task: 'text-classification',
      route: 'a:org/model@main',
      provider: 'a',
      model: 'org/model@main',
      status: 'ok',
      cost: { amount: 0.001 },
      cached: false,
    });
    expect(events.map((event) => event.type)).toEqual([
      'attempt-start',
      'attempt-end',
      'retry-scheduled',
      'attempt-start',
      'attempt-end',
      'request-end',
    ]);
  });

  it('a Retry-After beyond retry.maxWaitMs is not slept through: the 429 comes back at once with its hint', async () => {
    const { client, servers } = await setup({ a: {} });
    servers.a?.fault('POST /models/*', { kind: 'status', status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'a:org/model@main', input }));
    expect(Date.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({ code: 'provider_rate_limited', retryAfterMs: 120_000 });
    expect(modelCalls(servers.a!)).toHaveLength(1);
  });

  it('the route deadline ends a slow attempt with gateway_timeout and closes the upstream connection', async () => {
    const { client, servers, events } = await setup(
      { a: { delayMs: 5_000 } },
      { retry: { ...fastRetry, deadlineMs: 300 } },
    );
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'a:org/model@main', input }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('gateway_timeout');
    expect(error.message).toMatch(/deadline of 300 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
    await waitFor(() => !servers.a!.isConnectionOpen(modelCalls(servers.a!)[0]!.connectionId));
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({
      status: 'error',
      errorCode: 'gateway_timeout',
      attempts: [expect.objectContaining({ errorCode: 'gateway_timeout' })],
    });
  });

  it('once a target has answered, the transport ends its attempts at the deadline: the same gateway_timeout', async () => {
    let calls = 0;
    const { client, servers, events } = await setup(
      { a: { delayMs: () => (calls++ === 0 ? 0 : 5_000) } },
      { retry: { ...fastRetry, deadlineMs: 300 } },
    );
    await client.run('text-classification', { model: 'a:org/model@main', input });
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'a:org/model@main', input }));
    const elapsed = Date.now() - started;
    expect(error.code).toBe('gateway_timeout');
    expect(error.message).toMatch(/deadline of 300 ms/);
    expect(events.filter((event) => event.type === 'request-end').at(-1)).toMatchObject({
      errorCode: 'gateway_timeout',
      attempts: [expect.objectContaining({ errorCode: 'gateway_timeout' })],
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
    await waitFor(() => !servers.a!.isConnectionOpen(modelCalls(servers.a!)[1]!.connectionId));
  });

  it("a provider that does not reach its upstream through core's transport is still cut at the deadline, call after call", async () => {
    const signals: Array<AbortSignal | undefined> = [];
    const provider: ProviderV1 = {
      specificationVersion: 'v1',
      name: 'mem',
      tasks: { 'text-classification': {} },
      doRun: ({ signal }) =>
        new Promise((_resolve, reject) => {
          signals.push(signal);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    };
    const client = createClient({ providers: [provider], retry: { ...fastRetry, deadlineMs: 100 } });
    for (let call = 0; call < 2; call++) {
      const started = Date.now();
      const error = await caught(client.run('text-classification', { model: 'mem:org/model', input }));
      expect(error.code).toBe('gateway_timeout');
      expect(Date.now() - started).toBeLessThan(1_000);
    }
    expect(signals.map((signal) => signal?.aborted)).toEqual([true, true]);
  });

  it('when every breaker is open, fails fast with gateway_circuit_open and when to come back', async () => {
    const { client, servers } = await setup(
      { a: {}, b: {} },
      { routes: twoTargets(), breaker: { consecutiveFailures: 1, cooldownMs: 10_000 } },
    );
    servers.a?.fault('POST /models/*', { kind: 'status', status: 500 }, { times: Number.POSITIVE_INFINITY });
    servers.b?.fault('POST /models/*', { kind: 'status', status: 500 }, { times: Number.POSITIVE_INFINITY });
    await caught(client.run('text-classification', { model: 'clf', input }));
    const started = Date.now();
    const error = await caught(client.run('text-classification', { model: 'clf', input }));
    expect(Date.now() - started).toBeLessThan(100);
    expect(error.code).toBe('gateway_circuit_open');
    expect(error.retryAfterMs).toBeGreaterThan(9_000);
    expect(modelCalls(servers.a!)).toHaveLength(1);
    expect(modelCalls(servers.b!)).toHaveLength(1);
    expect(client.health().targets.map((target) => [target.provider, target.breaker])).toEqual([
      ['a', 'open'],
      ['b', 'open'],
    ]);
  });

  it('health() reports requests in flight per target', async () => {
    const { client } = await setup(
      { a: { delayMs: 200 } },
      { routes: { clf: { targets: [{ model: 'a:org/model@main' }] } } },
    );
    expect(client.health().targets).toEqual([
      { provider: 'a', model: 'org/model@main', breaker: 'closed', outstanding: 0 },
    ]);
    const running = Promise.all([
      client.run('text-classification', { model: 'clf', input }),
      client.run('text-classification', { model: 'clf', input }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.health().targets[0]?.outstanding).toBe(2);
    await running;
    expect(client.health().targets[0]).toMatchObject({ outstanding: 0, ewmaMs: expect.any(Number) });
  });

  it('rejects a route naming an unknown provider, with the path', async () => {
    fleet = await startTestFleet({ a: {} });
    expect(() =>
      createClient({ providers: fleet!.providers, routes: { x: { targets: [{ model: 'zz:org/m' }] } } }),
    ).toThrow(/routes\.x\.targets\[0\]\.provider: unknown provider "zz"/);
    expect(() =>
      createClient({
        providers: fleet!.providers,
        routes: { x: { strategy: 'random' as never, targets: [{ model: 'a:org/m' }] } },
      }),
    ).toThrow(/routes\.x\.strategy/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
