import { afterEach, describe, expect, it } from 'vitest';
import type { InfermuxError } from '../errors/infermux-error';
import type { InfermuxEvent } from '../routing/routing-events';
import { startTestFleet, type TestFleet } from '../test-support/test-fleet';
import { modelCalls } from '../test-support/test-upstream';
import { createClient } from './create-client';

let fleet: TestFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('batch', () => {
  it('a batch of 1,000 keeps input order, splits to maxBatchSize, bounds concurrency and reports per-item errors', async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 32, delayMs: 5 } });
    const server = fleet.servers.a!;
    let inFlight = 0;
    let peak = 0;
    // Count concurrency on the upstream side, around the fake's own handler.
    server.route('POST', '/models/*', async (request, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      const body = request.json<{ inputs: string | string[] }>();
      const answer = (text: string) => [{ label: text, score: 1 }];
      if (Array.isArray(body.inputs)) {
        if (body.inputs.some((text) => text.includes('too long')))
          return response.json(400, { error: 'Input validation error: one input is too long' });
        return response.json(200, body.inputs.map(answer));
      }
      if (body.inputs.includes('too long'))
        return response.json(400, { error: 'Input validation error: input is too long' });
      response.json(200, answer(body.inputs));
    });
    const bad = new Set([3, 400, 999]);
    const inputs = Array.from({ length: 1_000 }, (_, index) => ({
      inputs: bad.has(index) ? `item ${index} too long` : `item ${index}`,
    }));
    const invalidIndex = 500;
    (inputs as unknown[])[invalidIndex] = { inputs: 42 }; // rejected locally, never sent
    const events: InfermuxEvent[] = [];
    const client = createClient({ providers: fleet.providers, onEvent: (event) => events.push(event) });
    const started = Date.now();
    const results = await client.batch('text-classification', { model: 'a:org/model@main', inputs, concurrency: 4 });
    expect(Date.now() - started).toBeLessThan(10_000);

    expect(results).toHaveLength(1_000);
    results.forEach((item, index) => {
      expect(item.index).toBe(index);
      if (bad.has(index)) expect('error' in item && item.error.code).toBe('caller_request_rejected');
      else if (index === invalidIndex) expect('error' in item && item.error.code).toBe('caller_invalid_input');
      else expect('result' in item && item.result.output[0]?.label).toBe(`item ${index}`);
    });
    expect(peak).toBeLessThanOrEqual(4);
    const calls = modelCalls(server);
    const batchCalls = calls.filter((request) => Array.isArray(request.json<{ inputs: unknown }>().inputs));
    // One call per chunk of 32, then the bisection: 32 → 16+16 → 8+8 → 4+4 → 2+2 for items 3 and 400 (8 calls
    // each), and the last chunk of 7 → 4+3 → 2+1 for item 999 (3 batch calls; halves of one go out as single calls).
    expect(batchCalls).toHaveLength(Math.ceil(999 / 32) + 8 + 8 + 3);
    expect(batchCalls.every((request) => request.json<{ inputs: unknown[] }>().inputs.length <= 32)).toBe(true);
    // Chunks holding a bad input were bisected: the halves holding it shrink to it alone (sent as one call),
    // every other half goes out as one batch and succeeds.
    const sizesHolding = (text: string) =>
      batchCalls
        .map((request) => request.json<{ inputs: string[] }>().inputs)
        .filter((texts) => texts.includes(text))
        .map((texts) => texts.length);
    expect(sizesHolding('item 3 too long')).toEqual([32, 16, 8, 4, 2]);
    expect(sizesHolding('item 400 too long')).toEqual([32, 16, 8, 4, 2]);
    const singles = calls.filter((request) => !Array.isArray(request.json<{ inputs: unknown }>().inputs));
    const singleCalls = singles.length;
    // Each bad item alone, and at most the sibling it shared a pair with.
    expect(singles.map((request) => request.json<{ inputs: string }>().inputs)).toEqual(
      expect.arrayContaining(['item 3 too long', 'item 400 too long', 'item 999 too long']),
    );
    expect(singleCalls).toBeLessThanOrEqual(6);
    expect(events.filter((event) => event.type === 'request-end' && event.kind === 'batch').length).toBe(
      batchCalls.length + singleCalls,
    );
  });

  it("an output that does not match the task schema fails only its item; the call's cost is split over the good items by text length", async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 8 } });
    fleet.servers.a!.route('POST', '/models/*', (_request, response) =>
      response.json(200, [{ wrong: true }, [{ label: 'X', score: 1 }], [{ label: 'Y', score: 1 }]]),
    );
    const client = createClient({ providers: fleet.providers, prices: { models: { 'a:*': { perRequest: 0.01 } } } });
    const results = await client.batch('text-classification', {
      model: 'a:org/model',
      inputs: [{ inputs: 'p' }, { inputs: 'q' }, { inputs: 'rrr' }],
    });
    expect('error' in results[0]! && results[0].error.code).toBe('provider_bad_response');
    expect(
      results.slice(1).map((item) => 'result' in item && [item.result.output[0]?.label, item.result.cost?.amount]),
    ).toEqual([
      ['X', 0.0025],
      ['Y', 0.0075],
    ]);
    expect('result' in results[1]! && results[1].result.warnings).toEqual([]);
    expect(modelCalls(fleet.servers.a!)).toHaveLength(1);
  });

  it('without native batching, runs each input through the route', async () => {
    fleet = await startTestFleet({ a: {} });
    const client = createClient({ providers: fleet.providers });
    const results = await client.batch('text-classification', {
      model: 'a:org/model',
      inputs: [{ inputs: 'x' }, { inputs: 'y' }],
    });
    expect(results.map((item) => ('result' in item ? item.result.provider : item.error.code))).toEqual(['a', 'a']);
    expect(modelCalls(fleet.servers.a!).map((request) => request.json())).toEqual([{ inputs: 'x' }, { inputs: 'y' }]);
  });
});

describe('micro-batching', () => {
  it('coalesces concurrent single runs for the same model into one upstream call', async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 8 } });
    const client = createClient({ providers: fleet.providers, microBatch: { windowMs: 20 } });
    const results = await Promise.all(
      ['p', 'q', 'r'].map((text) =>
        client.run('text-classification', { model: 'a:org/model', input: { inputs: text } }),
      ),
    );
    expect(results.map((result) => result.provider)).toEqual(['a', 'a', 'a']);
    expect(modelCalls(fleet.servers.a!).map((request) => request.json())).toEqual([{ inputs: ['p', 'q', 'r'] }]);
  });
});

describe('a batch is one upstream request', () => {
  it("to the provider's request limit: 64 items in 2 calls pass a limit of 2 requests that 64 single calls cannot", async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 32 } });
    const limits = { providers: { a: { requestsPerSecond: 0.001, burst: 2, maxQueue: 0 } } };
    const inputs = Array.from({ length: 64 }, (_, index) => ({ inputs: `item ${index}` }));
    const client = createClient({ providers: fleet.providers, limits });
    const results = await client.batch('text-classification', { model: 'a:org/model', inputs });
    expect(results.every((item) => 'result' in item)).toBe(true);
    expect(modelCalls(fleet.servers.a!)).toHaveLength(2);
    // The same limit refuses a third call, batched or not.
    const refused = await client
      .run('text-classification', { model: 'a:org/model', input: { inputs: 'x' } })
      .catch((error: InfermuxError) => error.code);
    expect(refused).toBe('policy_rate_limited');
  });

  it('a retryable failure retries the whole batch within the route budget; both attempts on the record', async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 8 } });
    const server = fleet.servers.a!;
    let calls = 0;
    server.route('POST', '/models/*', (request, response) => {
      calls += 1;
      if (calls === 1) return response.json(503, { error: 'overloaded' });
      const { inputs } = request.json<{ inputs: string[] }>();
      response.json(
        200,
        inputs.map((text) => [{ label: text, score: 1 }]),
      );
    });
    const events: InfermuxEvent[] = [];
    const client = createClient({
      providers: fleet.providers,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      onEvent: (event) => events.push(event),
    });
    const inputs = ['p', 'q', 'r', 's'].map((text) => ({ inputs: text }));
    const results = await client.batch('text-classification', { model: 'a:org/model', inputs });
    expect(results.map((item) => 'result' in item && item.result.output[0]?.label)).toEqual(['p', 'q', 'r', 's']);
    expect(calls).toBe(2);
    expect(modelCalls(server).map((request) => request.json<{ inputs: string[] }>().inputs)).toEqual([
      ['p', 'q', 'r', 's'],
      ['p', 'q', 'r', 's'],
    ]);
    expect(results.every((item) => 'result' in item && item.result.attempts.length === 2)).toBe(true);
  });
});

describe('batches never mix models, revisions or parameters', () => {
  it('client.batch sends one upstream call per set of parameters, answers in input order', async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 8 } });
    const client = createClient({ providers: fleet.providers });
    const top = (k: number) => ({ top_k: k });
    const results = await client.batch('text-classification', {
      model: 'a:org/model',
      inputs: [
        { inputs: 'p', parameters: top(1) },
        { inputs: 'q', parameters: top(2) },
        { inputs: 'r', parameters: top(1) },
        { inputs: 's' },
      ],
    });
    expect(results.map((item) => item.index)).toEqual([0, 1, 2, 3]);
    expect(results.every((item) => 'result' in item)).toBe(true);
    expect(modelCalls(fleet.servers.a!).map((request) => request.json())).toEqual([
      { inputs: ['p', 'r'], parameters: top(1) },
      { inputs: 'q', parameters: top(2) },
      { inputs: 's' },
    ]);
  });

  it('micro-batching coalesces only runs with the same task, model, revision and parameters', async () => {
    fleet = await startTestFleet({ a: { maxBatchSize: 8 } });
    const client = createClient({ providers: fleet.providers, microBatch: { windowMs: 20 } });
    const requests = [
      { model: 'a:org/model', input: { inputs: 'p' } },
      { model: 'a:org/model', input: { inputs: 'q' } },
      { model: 'a:org/model@v2', input: { inputs: 'r' } },
      { model: 'a:org/other', input: { inputs: 's' } },
      { model: 'a:org/model', input: { inputs: 't', parameters: { top_k: 2 } } },
    ];
    const results = await Promise.all(requests.map((request) => client.run('text-classification', request)));
    expect(results.map((result) => result.provider)).toEqual(['a', 'a', 'a', 'a', 'a']);
    const sent = modelCalls(fleet.servers.a!).map((request) => `${request.path} ${JSON.stringify(request.json())}`);
    expect(sent.sort()).toEqual(
      [
        '/models/org/model {"inputs":["p","q"]}',
        '/models/org/model {"inputs":"t","parameters":{"top_k":2}}',
        '/models/org/model {"inputs":"r"}',
        '/models/org/other {"inputs":"s"}',
      ].sort(),
    );
  });
});

describe('response cache', () => {
  it('a cache hit does no upstream call; key order does not matter; opt-out per request; events', async () => {
    fleet = await startTestFleet({ a: {} });
    const events: InfermuxEvent[] = [];
    const client = createClient({
      providers: fleet.providers,
      cache: { ttlMs: 60_000 },
      prices: { models: { 'a:*': { perRequest: 0.002 } } },
      onEvent: (event) => events.push(event),
    });
    const model = 'a:org/model@0123456789abcdef0123456789abcdef01234567';
    const first = await client.run('text-classification', {
      model,
      input: { inputs: 'same', parameters: { top_k: 2, function_to_apply: 'softmax' } },
    });
    const second = await client.run('text-classification', {
      model,
      input: { parameters: { function_to_apply: 'softmax', top_k: 2 }, inputs: 'same' },
    });
    expect(modelCalls(fleet.servers.a!)).toHaveLength(1);
    expect(first.cached).toBe(false);
    expect(second).toMatchObject({
      cached: true,
      attempts: [],
      output: first.output,
      provider: 'a',
      cost: { amount: 0 },
    });
    expect(first.cost?.amount).toBe(0.002);
    // Mutating a returned result does not poison the cache.
    (second.output as Array<{ label: string }>)[0]!.label = 'MUTATED';
    const third = await client.run('text-classification', {
      model,
      input: { inputs: 'same', parameters: { top_k: 2, function_to_apply: 'softmax' } },
    });
    expect(third.output[0]?.label).toBe('A');

    await client.run('text-classification', {
      model,
      input: { inputs: 'same', parameters: { top_k: 2, function_to_apply: 'softmax' } },
      cache: false,
    });
    expect(modelCalls(fleet.servers.a!)).toHaveLength(2);
    expect(
      events.filter((event) => event.type === 'cache-hit' || event.type === 'cache-miss').map((event) => event.type),
    ).toEqual(['cache-miss', 'cache-hit', 'cache-hit']);
    expect(
      events
        .filter((event) => event.type === 'request-end')
        .map((event) => event.type === 'request-end' && event.cached),
    ).toEqual([false, true, true, false]);
  });

  it('never caches non-deterministic tasks', async () => {
    fleet = await startTestFleet({ a: {} });
    const client = createClient({ providers: fleet.providers, cache: true });
    const input = { messages: [{ role: 'user' as const, content: 'hi' }] };
    await client.run('chat-completion', { model: 'a:org/chat', input });
    await client.run('chat-completion', { model: 'a:org/chat', input });
    expect(fleet.servers.a!.requests).toHaveLength(2);
  });
});

describe('async jobs', () => {
  const video = { prompt: 'A cat playing piano' };

  it('a submission is never sent twice without an idempotency key: not on the same target, not on another', async () => {
    fleet = await startTestFleet({ a: {}, b: {} });
    const client = createClient({
      providers: fleet.providers,
      retry: { baseDelayMs: 10 },
      routes: { video: { targets: [{ model: 'a:sora-2' }, { model: 'b:sora-2' }] } },
    });
    const submissions = (name: 'a' | 'b') =>
      fleet!.servers[name]!.requests.filter((request) => request.path === '/v1/videos/generations');
    fleet.servers.a!.fault('POST /v1/videos/generations', { kind: 'status', status: 500 });
    const error = await client
      .submit('video-generation', { model: 'video', input: video })
      .catch((caught: unknown) => caught as InfermuxError);
    expect(error).toMatchObject({ code: 'provider_server_error', retryable: false });
    expect((error as InfermuxError).message).toMatch(/second paid job/);
    expect(submissions('a')).toHaveLength(1);
    expect(submissions('b')).toHaveLength(0);

    // A reset after the body was sent is just as ambiguous.
    fleet.servers.a!.fault('POST /v1/videos/generations', { kind: 'reset' });
    await expect(client.submit('video-generation', { model: 'video', input: video })).rejects.toMatchObject({
      code: 'provider_network',
    });
    expect(submissions('a')).toHaveLength(2);
    expect(submissions('b')).toHaveLength(0);

    // A 429 proves the job was not created: moving it to B is safe.
    fleet.servers.a!.fault('POST /v1/videos/generations', { kind: 'status', status: 429 });
    const status = await client.submit('video-generation', { model: 'video', input: video });
    expect(status).toMatchObject({ provider: 'b', jobId: 'task-1', state: 'queued' });
  });

  it('with an idempotent provider, retries reuse one idempotency key; status polling is retried', async () => {
    fleet = await startTestFleet({ a: { idempotentSubmit: true } });
    const client = createClient({ providers: fleet.providers, retry: { baseDelayMs: 10 } });
    const server = fleet.servers.a!;
    server.fault('POST /v1/videos/generations', { kind: 'status', status: 502 });
    const job = await client.submit('video-generation', { model: 'a:sora-2', input: video });
    const keys = server.requests
      .filter((request) => request.path === '/v1/videos/generations')
      .map((request) => request.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);

    server.fault('GET /v1/tasks/:id', { kind: 'status', status: 503 });
    const status = await client.getJob('video-generation', { provider: job.provider, jobId: job.jobId });
    expect(status).toMatchObject({
      state: 'succeeded',
      output: { videos: [{ url: `https://media.example/${job.jobId}.mp4` }] },
    });
    expect(server.requests.filter((request) => request.method === 'GET')).toHaveLength(2);
  });
});
