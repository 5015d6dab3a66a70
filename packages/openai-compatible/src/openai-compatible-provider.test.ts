import {
  buildProviders,
  type Client,
  createClient,
  InfermuxError,
  type InfermuxEvent,
  parseConfig,
  type StreamPart,
} from '@infermux/core';
import { collectAll, type FakeOpenAI, rejectionOf, startFakeOpenAI } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiCompatibleProviderFactory } from './openai-compatible-factory';
import { createOpenAICompatible, type OpenAICompatibleProvider } from './openai-compatible-provider';

const apiKey = 'sk-local-test-key-0123456789';
let fake: FakeOpenAI;
let client: Client;
let direct: OpenAICompatibleProvider;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey, models: ['llama-3.1-8b', 'bge-small'] });
  direct = createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey });
  client = createClient({ providers: [direct] });
});
afterAll(() => fake.close());
beforeEach(() => fake.server.reset());

const hello = { messages: [{ role: 'user', content: 'hello there' }] };

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, InfermuxError.isInstance);

describe('chat-completion', () => {
  it('runs a plain chat and reports token usage', async () => {
    const result = await client.run('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: hello });
    expect(result.output.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'You said: hello there' });
    expect(result.usage).toEqual({ inputTokens: 2, outputTokens: 4, totalTokens: 6 });
    expect(result.requestId).toMatch(/^req_/);
    const [request] = fake.server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.json()).toEqual({ model: 'llama-3.1-8b', messages: hello.messages });
  });

  it('streams deltas, then usage from the final chunk (stream_options.include_usage)', async () => {
    const stream = client.stream('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: hello });
    const parts = await collectAll(stream);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    expect(text).toBe('You said: hello there');
    expect(parts.at(-2)).toEqual({ type: 'finish', finishReason: 'stop', choice: 0 });
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 2, outputTokens: 4, totalTokens: 6 } });
    const result = await stream.result;
    expect(result.usage.totalTokens).toBe(6);
    expect(result.output.choices[0]?.message.content).toBe('You said: hello there');
    expect(fake.server.requests[0]?.json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams tool-call deltas that collect into a tool call', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const stream = client.stream('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: { ...hello, tools } });
    await collectAll(stream);
    const result = await stream.result;
    expect(result.output.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: { tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"ok":true}' } }] },
    });
  });

  it('ends a stream cut before [DONE] with provider_stream_interrupted', async () => {
    fake.server.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: 300 });
    const provider = createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey });
    const model = { id: 'llama-3.1-8b' };
    const { stream } = await provider.doStream!({ task: 'chat-completion', model, input: hello });
    const parts = await collectAll(stream);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error.code).toBe('provider_stream_interrupted');
  });

  it('turns an {"error":…} event inside a 200 stream into an error part', async () => {
    const removeRoute = fake.server.route('POST', '/v1/chat/completions', (_request, response) =>
      response.sse([
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
        },
        { error: { message: 'upstream overloaded', type: 'server_error', param: null, code: null } },
      ]),
    );
    try {
      const { stream } = await direct.doStream!({
        task: 'chat-completion',
        model: { id: 'llama-3.1-8b' },
        input: hello,
      });
      const parts = await collectAll(stream);
      expect(parts[1]).toMatchObject({ type: 'text-delta', text: 'Hel' });
      const last = parts.at(-1);
      expect(last?.type).toBe('error');
      const error = (last as Extract<StreamPart, { type: 'error' }>).error;
      expect(error.code).toBe('provider_server_error');
      expect(error.message).toContain('upstream overloaded');
      expect(error.details).toMatchObject({ midStream: true, upstreamType: 'server_error' });
    } finally {
      removeRoute();
    }
  });

  it('warns that a revision cannot be pinned, and refuses under a strict policy', async () => {
    const result = await client.run('chat-completion', { model: 'local-vllm:llama-3.1-8b@v2', input: hello });
    expect(result.warnings.map((warning) => warning.code)).toContain('revision_not_pinned');
    const error = await rejection(
      client.run('chat-completion', { model: 'local-vllm:llama-3.1-8b@v2', input: hello, revisionPolicy: 'strict' }),
    );
    expect(error.code).toBe('policy_revision_unavailable');
    expect(fake.server.requestCount).toBe(1);
  });
});

describe('text-generation via /v1/completions', () => {
  it('maps parameters and the answer', async () => {
    const result = await client.run('text-generation', {
      model: 'local-vllm:llama-3.1-8b',
      input: {
        inputs: 'Once upon a time',
        parameters: { max_new_tokens: 12, temperature: 0.5, return_full_text: true },
      },
    });
    expect(result.output.generated_text).toBe('Once upon a time and so it continues.');
    expect(result.output.details).toEqual({ finish_reason: 'stop', generated_tokens: 4 });
    expect(fake.server.requests[0]?.json()).toEqual({
      model: 'llama-3.1-8b',
      prompt: 'Once upon a time',
      max_tokens: 12,
      temperature: 0.5,
      echo: true,
    });
  });

  it('streams text with usage at the end', async () => {
    const stream = client.stream('text-generation', { model: 'local-vllm:llama-3.1-8b', input: { inputs: 'Once' } });
    const parts = await collectAll(stream);
    expect(parts.filter((part) => part.type === 'usage')).toHaveLength(1);
    expect((await stream.result).output.generated_text).toBe(' and so it continues.');
  });

  it('refuses a TGI-only parameter by name before any call', async () => {
    const error = await rejection(
      client.run('text-generation', {
        model: 'local-vllm:llama-3.1-8b',
        input: { inputs: 'x', parameters: { watermark: true } },
      }),
    );
    expect(error.code).toBe('caller_invalid_input');
    expect(error.message).toContain('parameters.watermark');
    expect(fake.server.requestCount).toBe(0);
  });
});

describe('feature-extraction via /v1/embeddings', () => {
  it('decodes float and base64 encodings to the same vectors', async () => {
    const base64Client = createClient({
      providers: [
        createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey, embeddingEncoding: 'base64' }),
      ],
    });
    const asFloat = await client.run('feature-extraction', {
      model: 'local-vllm:bge-small',
      input: { inputs: ['a b', 'c'] },
    });
    const asBase64 = await base64Client.run('feature-extraction', {
      model: 'local-vllm:bge-small',
      input: { inputs: ['a b', 'c'] },
    });
    expect(asBase64.output).toEqual(asFloat.output);
    expect((asFloat.output as number[][])[0]).toHaveLength(8);
    expect(asFloat.usage).toEqual({ inputTokens: 3, totalTokens: 3 });
    expect(fake.server.requests.map((request) => request.json<{ encoding_format: string }>().encoding_format)).toEqual([
      'float',
      'base64',
    ]);
  });

  it('embeds a single string as one vector, normalised on request', async () => {
    const result = await client.run('feature-extraction', {
      model: 'local-vllm:bge-small',
      input: { inputs: 'hello', normalize: true },
    });
    const vector = result.output as number[];
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
  });

  it('batches several inputs into one upstream call', async () => {
    const provider = createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey });
    const batch = await provider.doBatch!({
      task: 'feature-extraction',
      model: { id: 'bge-small' },
      inputs: [{ inputs: 'one' }, { inputs: ['two', 'three'] }],
    });
    expect(batch.outputs).toHaveLength(2);
    expect(batch.outputs[0]).toHaveLength(8);
    expect(batch.outputs[1]).toHaveLength(2);
    expect(fake.server.requestCount).toBe(1);
    expect(fake.server.requests[0]?.json()).toMatchObject({ input: ['one', 'two', 'three'] });
  });

  it('client.batch: embeddings go out as one `input` array per maxEmbeddingBatchSize; the tokens split per item', async () => {
    const provider = createOpenAICompatible({
      name: 'local-vllm',
      baseURL: fake.baseURL,
      apiKey,
      maxEmbeddingBatchSize: 4,
    });
    const calls: Array<{ usage: { inputTokens?: number } }> = [];
    const batchClient = createClient({
      providers: [provider],
      // Priced, so the items' warnings are about batching alone (an unpriced model warns `cost_unknown`).
      prices: { models: { 'local-vllm:bge-small': { inputPerMillionTokens: 0.02 } } },
      onEvent: (event) => {
        if (event.type === 'request-end' && event.kind === 'batch') calls.push(event);
      },
    });
    const texts = ['one', 'two words', 'three more words', 'four', 'five five', 'six'];
    const results = await batchClient.batch('feature-extraction', {
      model: 'local-vllm:bge-small',
      inputs: texts.map((inputs) => ({ inputs })),
      concurrency: 1,
    });
    expect(fake.server.requests.map((request) => request.json<{ input: string[] }>().input)).toEqual([
      texts.slice(0, 4),
      texts.slice(4),
    ]);
    const single = await batchClient.run('feature-extraction', {
      model: 'local-vllm:bge-small',
      input: { inputs: 'two words' },
    });
    expect('result' in results[1]! && results[1].result.output).toEqual(single.output);
    // Each call's prompt tokens are shared by the length of each text: the items add up to the call.
    const tokens = results.map((item) => ('result' in item ? (item.result.usage.inputTokens ?? 0) : 0));
    const callTokens = calls.map((event) => event.usage.inputTokens ?? 0);
    expect(callTokens.every((count) => count > 0)).toBe(true);
    expect([tokens.slice(0, 4), tokens.slice(4)].map((part) => part.reduce((a, b) => a + b, 0))).toEqual(callTokens);
    expect(tokens[2]).toBeGreaterThan(tokens[0] as number);
    expect(results.flatMap((item) => ('result' in item ? item.result.warnings : []))).toEqual([]);
    // The cost splits as the tokens do: each item is priced, and greater for a longer text.
    const costs = results.map((item) => ('result' in item ? (item.result.cost?.amount ?? 0) : 0));
    expect(costs.every((amount) => amount > 0)).toBe(true);
    expect(costs[2]).toBeGreaterThan(costs[0] as number);
  });

  it('sends `dimensions` upstream (only when asked) and gets vectors of that length', async () => {
    const shortened = await client.run('feature-extraction', {
      model: 'local-vllm:bge-small',
      input: { inputs: ['a b', 'c'], dimensions: 3 },
    });
    await client.run('feature-extraction', { model: 'local-vllm:bge-small', input: { inputs: 'plain' } });
    expect((shortened.output as number[][]).map((vector) => vector.length)).toEqual([3, 3]);
    expect(fake.server.requests[0]?.json()).toMatchObject({ dimensions: 3 });
    expect(fake.server.requests[1]?.json()).not.toHaveProperty('dimensions');
  });

  it('refuses a batch whose items ask for different `dimensions` (one upstream call has one)', async () => {
    const provider = createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey });
    const error = await rejection(
      provider.doBatch!({
        task: 'feature-extraction',
        model: { id: 'bge-small' },
        inputs: [{ inputs: 'one', dimensions: 4 }, { inputs: 'two' }],
      }),
    );
    expect(error.code).toBe('caller_invalid_input');
    expect(error.message).toContain('[1].dimensions');
    expect(fake.server.requestCount).toBe(0);
  });
});

describe('models', () => {
  it('lists the upstream models', async () => {
    const provider = createOpenAICompatible({ name: 'local-vllm', baseURL: fake.baseURL, apiKey });
    expect(await provider.listModels()).toEqual([
      { id: 'llama-3.1-8b', created: 1721172741, ownedBy: 'system' },
      { id: 'bge-small', created: 1721172741, ownedBy: 'system' },
    ]);
  });
});

describe('error mapping', () => {
  // The provider itself, not the client: these check the mapping, and the client's router would retry retryable errors.
  const run = (model = 'llama-3.1-8b') =>
    rejection(direct.doRun!({ task: 'chat-completion', model: { id: model }, input: hello }));

  it.each([
    [
      401,
      { message: 'Incorrect API key provided: sk-abc.', type: 'invalid_request_error', code: 'invalid_api_key' },
      'auth_invalid_credentials',
      false,
    ],
    [
      400,
      {
        message: "This model's maximum context length is 8192 tokens.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
      },
      'caller_context_length_exceeded',
      false,
    ],
    [
      400,
      { message: 'The response was filtered.', type: 'invalid_request_error', code: 'content_filter' },
      'policy_content_filtered',
      false,
    ],
    [
      429,
      { message: 'You exceeded your current quota.', type: 'insufficient_quota', code: 'insufficient_quota' },
      'policy_insufficient_credits',
      false,
    ],
    [500, { message: 'The server had an error.', type: 'server_error' }, 'provider_server_error', true],
    [503, { message: 'Overloaded.', type: 'server_error' }, 'provider_unavailable', true],
  ] as const)('HTTP %i %o → %s', async (status, body, code, retryable) => {
    fake.failWith('POST /v1/chat/completions', status, body);
    const error = await run();
    expect(error).toMatchObject({ code, retryable, provider: 'local-vllm' });
    expect(error.message).toContain(body.message);
  });

  it('names the rejected param and keeps the upstream type and code', async () => {
    fake.failWith('POST /v1/chat/completions', 400, {
      message: "Invalid value for 'temperature'.",
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'temperature',
    });
    const error = await run();
    expect(error.code).toBe('caller_request_rejected');
    expect(error.message).toContain('(param: temperature)');
    expect(error.details).toMatchObject({
      upstreamType: 'invalid_request_error',
      upstreamCode: 'invalid_value',
      param: 'temperature',
      upstreamStatus: 400,
    });
  });

  it('reads Retry-After and retry-after-ms on 429', async () => {
    fake.failWith(
      'POST /v1/chat/completions',
      429,
      { message: 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' },
      { headers: { 'retry-after-ms': '1500', 'retry-after': '2' } },
    );
    expect(await run()).toMatchObject({ code: 'provider_rate_limited', retryable: true, retryAfterMs: 1500 });
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 429,
      body: { error: 'slow down' },
      headers: { 'retry-after': '3' },
    });
    expect(await run()).toMatchObject({
      code: 'provider_rate_limited',
      retryAfterMs: 3000,
      message: expect.stringContaining('slow down'),
    });
  });

  it('tolerates {"error":"text"}, {"detail":…} and {"message":…} bodies', async () => {
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 400,
      body: { error: 'Input validation error: `inputs` must be non-empty', error_type: 'validation' },
    });
    expect((await run()).message).toContain('Input validation error');
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 422,
      body: { detail: [{ loc: ['body', 'messages'], msg: 'field required' }] },
    });
    expect((await run()).message).toContain('field required');
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 502,
      body: { message: 'bad gateway upstream' },
    });
    expect(await run()).toMatchObject({
      code: 'provider_server_error',
      message: expect.stringContaining('bad gateway upstream'),
    });
  });

  it('maps an unknown model (404 model_not_found)', async () => {
    expect(await run('nope')).toMatchObject({ code: 'caller_model_not_found' });
  });

  it('rejects a body that is not a chat completion as provider_bad_response naming the field', async () => {
    fake.server.fault('POST /v1/chat/completions', { kind: 'status', status: 200, body: { id: 'x', choices: 'nope' } });
    const error = await run();
    expect(error.code).toBe('provider_bad_response');
    expect(error.message).toContain('choices');
  });

  it('never shows the key, even when the upstream echoes it', async () => {
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 401,
      body: { error: { message: `bad key ${apiKey}`, type: 'x' } },
    });
    const error = await run();
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect(error.message).not.toContain(apiKey);
  });
});

describe('credentials and config', () => {
  it('reads the key lazily from apiKeyEnv and names the variable when it is missing', async () => {
    const provider = createOpenAICompatible({
      name: 'remote',
      baseURL: fake.baseURL,
      apiKeyEnv: 'INFERMUX_TEST_UNSET_KEY',
    });
    const error = await rejection(
      provider.doRun!({ task: 'chat-completion', model: { id: 'llama-3.1-8b' }, input: hello }),
    );
    expect(error.code).toBe('auth_missing_credentials');
    expect(error.message).toContain('INFERMUX_TEST_UNSET_KEY');
    expect(fake.server.requestCount).toBe(0);
  });

  it('plain calls share their headers, yet a key set later, call headers and streams each get theirs', async () => {
    const envName = 'INFERMUX_TEST_LATE_KEY';
    const provider = createOpenAICompatible({
      name: 'remote',
      baseURL: fake.baseURL,
      apiKeyEnv: envName,
      headers: { 'X-Team': 'ml' },
    });
    const call = (headers?: Record<string, string>) =>
      provider.doRun!({ task: 'chat-completion', model: { id: 'llama-3.1-8b' }, input: hello, headers });
    try {
      process.env[envName] = 'sk-wrong-key-0123456789';
      expect((await rejection(call())).code).toBe('auth_invalid_credentials');
      process.env[envName] = apiKey;
      await call();
      await call({ 'x-trace': 'call-1', Authorization: 'Bearer not-this-one' });
      await collectAll(
        (await provider.doStream!({ task: 'chat-completion', model: { id: 'llama-3.1-8b' }, input: hello })).stream,
      );
      await call();
    } finally {
      delete process.env[envName];
    }
    const sent = fake.server.requests.map((request) => request.headers);
    expect(sent.map((headers) => headers.authorization)).toEqual([
      `Bearer sk-wrong-key-0123456789`,
      ...Array(4).fill(`Bearer ${apiKey}`),
    ]);
    expect(sent.map((headers) => headers['x-trace'])).toEqual([undefined, undefined, 'call-1', undefined, undefined]);
    expect(sent.map((headers) => headers.accept)).toEqual([
      'application/json',
      'application/json',
      'application/json',
      'text/event-stream',
      'application/json',
    ]);
    expect(sent.every((headers) => headers['x-team'] === 'ml' && headers['content-type'] === 'application/json')).toBe(
      true,
    );
  });

  it('builds a provider named by config (any OpenAI-compatible URL)', async () => {
    const config = parseConfig({
      providers: {
        'local-vllm': {
          type: 'openai-compatible',
          baseURL: fake.baseURL,
          apiKeyEnv: 'LOCAL_VLLM_KEY',
          headers: { 'x-team': 'ml' },
        },
      },
    });
    const providers = buildProviders(config, [openaiCompatibleProviderFactory], { env: { LOCAL_VLLM_KEY: apiKey } });
    expect(providers.map((provider) => provider.name)).toEqual(['local-vllm']);
    const configured = createClient({ providers });
    const result = await configured.run('chat-completion', { model: 'llama-3.1-8b', input: hello });
    expect(result.provider).toBe('local-vllm');
    expect(fake.server.requests[0]?.headers['x-team']).toBe('ml');
  });

  it('rejects unknown settings by name', () => {
    const config = parseConfig({
      providers: { vllm: { type: 'openai-compatible', baseURL: fake.baseURL, flavour: 'x' } },
    });
    expect(() => buildProviders(config, [openaiCompatibleProviderFactory])).toThrow(/flavour/);
  });
});

describe('servers as recorded in real traffic (issue #18)', () => {
  const base = { id: 'chatcmpl-1', created: 1, model: 'llama-3.1-8b' };
  const chunk = (delta: object, finish: string | null) => ({
    ...base,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const usage = { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 };
  const completion = {
    ...base,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }],
    usage,
  };

  /** Overrides the fake's chat route for one test. */
  async function withChatRoute<T>(handler: Parameters<FakeOpenAI['server']['route']>[2], run: () => Promise<T>) {
    const remove = fake.server.route('POST', '/v1/chat/completions', handler);
    try {
      return await run();
    } finally {
      remove();
    }
  }

  it('item 2: a stream ending after finish_reason and usage without [DONE] is a success, booked as one', async () => {
    const events: InfermuxEvent[] = [];
    const booked = createClient({ providers: [direct], onEvent: (event) => events.push(event) });
    await withChatRoute(
      (_request, response) =>
        response.sse(
          [chunk({ role: 'assistant', content: 'Hi' }, null), chunk({}, 'stop'), { ...base, choices: [], usage }],
          {
            done: false,
          },
        ),
      async () => {
        const stream = booked.stream('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: hello });
        const parts = await collectAll(stream);
        expect(parts.some((part) => part.type === 'error')).toBe(false);
        expect((await stream.result).usage).toEqual({ inputTokens: 2, outputTokens: 2, totalTokens: 4 });
      },
    );
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({ status: 'ok' });
    expect(events.filter((event) => event.type === 'attempt-end' && event.errorCode !== undefined)).toEqual([]);
    expect(events.filter((event) => event.type === 'attempt-end')).toHaveLength(1);
  });

  it('item 2: a stream that closes with neither finish_reason nor [DONE] stays provider_stream_interrupted', async () => {
    await withChatRoute(
      (_request, response) => response.sse([chunk({ role: 'assistant', content: 'Hi' }, null)], { done: false }),
      async () => {
        const { stream } = await direct.doStream!({
          task: 'chat-completion',
          model: { id: 'llama-3.1-8b' },
          input: hello,
        });
        expect((await collectAll(stream)).at(-1)).toMatchObject({
          type: 'error',
          error: { code: 'provider_stream_interrupted' },
        });
      },
    );
  });

  it('item 7: a server that ignores stream: true answers JSON: delivered as a one-chunk stream, not retried', async () => {
    await withChatRoute(
      (_request, response) => response.json(200, completion),
      async () => {
        const stream = client.stream('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: hello });
        const parts = await collectAll(stream);
        expect(parts.map((part) => part.type)).toEqual(['response-metadata', 'text-delta', 'finish', 'usage']);
        const result = await stream.result;
        expect(result.output.choices[0]).toMatchObject({ message: { content: 'Hi there' }, finish_reason: 'stop' });
        expect(result.usage.totalTokens).toBe(4);
        expect(fake.server.requests).toHaveLength(1);
      },
    );
  });

  it('item 7: a forwarded stream answered with JSON reaches the caller as SSE frames and [DONE]', async () => {
    await withChatRoute(
      (_request, response) => response.json(200, completion),
      async () => {
        const forwarded = await direct.doForward!({
          task: 'chat-completion',
          wire: 'openai',
          model: { id: 'llama-3.1-8b' },
          input: hello,
          stream: true,
        });
        let text = '';
        for await (const item of forwarded.body as AsyncIterable<{ bytes: Uint8Array }>)
          text += Buffer.from(item.bytes).toString();
        expect(text).toContain('"delta":{"role":"assistant","content":"Hi there"}');
        expect(text).not.toContain('"usage"'); // the caller did not ask for it
        expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
        expect(forwarded.usage()).toEqual({ inputTokens: 2, outputTokens: 2, totalTokens: 4 });
      },
    );
  });

  it('item 7: a text-completion stream answered with JSON is one chunk too', async () => {
    const remove = fake.server.route('POST', '/v1/completions', (_request, response) =>
      response.json(200, {
        ...base,
        object: 'text_completion',
        choices: [{ index: 0, text: ' 42.', finish_reason: 'stop', logprobs: null }],
        usage,
      }),
    );
    try {
      const { stream } = await direct.doStream!({
        task: 'text-generation',
        model: { id: 'llama-3.1-8b' },
        input: { inputs: 'The answer is', parameters: { temperature: 0 } },
      });
      const parts = await collectAll(stream);
      expect(parts.filter((part) => part.type !== 'response-metadata')).toEqual([
        { type: 'text-delta', text: ' 42.', choice: 0 },
        { type: 'finish', finishReason: 'stop', choice: 0 },
        { type: 'usage', usage: { inputTokens: 2, outputTokens: 2, totalTokens: 4 } },
      ]);
      // item 6: temperature 0 (greedy) goes to /v1/completions as it is.
      expect(fake.server.requests[0]?.json()).toMatchObject({ temperature: 0 });
    } finally {
      remove();
    }
  });

  it('item 8: a target that refuses stream_options gets the stream request once more without it', async () => {
    const refusing: Parameters<FakeOpenAI['server']['route']>[2] = (request, response) => {
      if ('stream_options' in request.json<object>())
        return response.json(400, {
          error: { message: 'Unrecognized request argument supplied: stream_options', param: 'stream_options' },
        });
      return response.sse([chunk({ role: 'assistant', content: 'Hi' }, 'stop')], { done: true });
    };
    await withChatRoute(refusing, async () => {
      const parts = await collectAll(
        client.stream('chat-completion', { model: 'local-vllm:llama-3.1-8b', input: hello }),
      );
      expect(parts.some((part) => part.type === 'error')).toBe(false);
      expect(fake.server.requests.map((request) => 'stream_options' in request.json<object>())).toEqual([true, false]);

      // The caller's own stream_options is theirs: no second try without it.
      fake.server.reset();
      const error = await rejection(
        direct.doStream!({
          task: 'chat-completion',
          model: { id: 'llama-3.1-8b' },
          input: { ...hello, stream_options: { include_usage: true } },
        }),
      );
      expect(error.details).toMatchObject({ upstreamStatus: 400 });
      expect(fake.server.requests).toHaveLength(1);
    });
  });
});
