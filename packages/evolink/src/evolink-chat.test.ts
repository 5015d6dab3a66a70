import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Client, createClient, isUnsupportedOperation, type StreamPart } from '@infermux/core';
import { createOpenAICompatible } from '@infermux/openai-compatible';
import { type FakeEvolink, type FakeOpenAI, startFakeEvolink, startFakeOpenAI } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEvolink } from './evolink-provider';
import { rejection, testKey } from './test-support/rejection';

let fake: FakeEvolink;
let client: Client;
const hello = { messages: [{ role: 'user', content: 'Say hello' }] };

beforeAll(async () => {
  fake = await startFakeEvolink({ apiKey: testKey });
  client = createClient({ providers: [createEvolink({ apiKey: testKey, baseURL: fake.baseURL })] });
});
afterAll(() => fake.close());
beforeEach(() => fake.server.reset());

describe('chat', () => {
  it('answers a plain chat with token usage (EvoLink extra usage fields ignored)', async () => {
    const result = await client.run('chat-completion', { model: 'evolink:gpt-5.5', input: hello });
    expect(result.output.choices[0]?.message.content).toBe('You said: Say hello');
    expect(result.output.id).toMatch(/^chatcmpl-\d{17}/);
    expect(result.usage).toEqual({ inputTokens: 2, outputTokens: 4, totalTokens: 6 });
    const [request] = fake.server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${testKey}`);
    expect(request?.json()).toEqual({ model: 'gpt-5.5', messages: hello.messages });
  });

  it('streams with usage in the final chunk', async () => {
    const stream = client.stream('chat-completion', { model: 'evolink:gpt-5.5', input: hello });
    const parts: StreamPart[] = [];
    for await (const part of stream) parts.push(part);
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => (part as { text: string }).text)
        .join(''),
    ).toBe('You said: Say hello');
    expect(parts.at(-1)).toEqual({ type: 'usage', usage: { inputTokens: 2, outputTokens: 4, totalTokens: 6 } });
    expect((await stream.result).usage.totalTokens).toBe(6);
    expect(fake.server.requests[0]?.json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('forwards the upstream bytes for OpenAI-speaking callers, usage read and (unasked) cut from the stream', async () => {
    const answer = await client.forward('chat-completion', { model: 'evolink:gpt-5.5', input: hello, wire: 'openai' });
    expect(JSON.parse(Buffer.from(answer.body as Uint8Array).toString()).choices[0].message.content).toBe(
      'You said: Say hello',
    );
    expect((await answer.result).usage).toEqual({ inputTokens: 2, outputTokens: 4, totalTokens: 6 });

    const streamed = await client.forward('chat-completion', {
      model: 'evolink:gpt-5.5',
      input: hello,
      wire: 'openai',
      stream: true,
    });
    let text = '';
    for await (const chunk of streamed.body as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
    expect(text).toContain('"content":"You');
    expect(text).not.toContain('"usage":{');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect((await streamed.result).usage.totalTokens).toBe(6);
    expect(fake.server.requests.at(-1)?.json()).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('reports the model the Smart Router picked for evolink/auto', async () => {
    const result = await client.run('chat-completion', { model: 'evolink:evolink/auto', input: hello });
    expect(result.model.id).toBe('gpt-5.2');
    expect(fake.server.requests[0]?.json()).toMatchObject({ model: 'evolink/auto' });
  });

  it('runs image generation only as a job', async () => {
    const error = await rejection(
      client.run('image-generation', { model: 'evolink:doubao-seedream-4.0', input: { prompt: 'x' } }),
    );
    expect(error.code).toBe('caller_unsupported');
    expect(isUnsupportedOperation(error, 'run')).toBe(true);
  });
});

describe('credentials and base URLs', () => {
  it('reads EVOLINK_API_KEY lazily and names it when missing', async () => {
    const previous = process.env.EVOLINK_API_KEY;
    delete process.env.EVOLINK_API_KEY;
    try {
      const keyless = createClient({ providers: [createEvolink({ baseURL: fake.baseURL })] });
      const error = await rejection(keyless.run('chat-completion', { model: 'evolink:gpt-5.5', input: hello }));
      expect(error).toMatchObject({ code: 'auth_missing_credentials', details: { envVariable: 'EVOLINK_API_KEY' } });
      expect(error.message).toContain('EVOLINK_API_KEY');
      process.env.EVOLINK_API_KEY = testKey;
      expect((await keyless.run('chat-completion', { model: 'evolink:gpt-5.5', input: hello })).provider).toBe(
        'evolink',
      );
    } finally {
      if (previous === undefined) delete process.env.EVOLINK_API_KEY;
      else process.env.EVOLINK_API_KEY = previous;
    }
  });

  it('sends chat to direct.evolink.ai and jobs to api.evolink.ai unless a base URL is set', () => {
    expect(createEvolink({}).baseURLs()).toEqual({ api: 'https://api.evolink.ai', text: 'https://direct.evolink.ai' });
    expect(createEvolink({ baseURL: 'http://proxy.local/' }).baseURLs()).toEqual({
      api: 'http://proxy.local',
      text: 'http://proxy.local',
    });
    expect(createEvolink({ textBaseURL: 'https://api.evolink.ai' }).baseURLs().text).toBe('https://api.evolink.ai');
  });
});

describe('error mapping', () => {
  const chat = () => rejection(client.run('chat-completion', { model: 'evolink:gpt-5.5', input: hello }));
  const submit = (model = 'evolink:z-image-turbo') =>
    rejection(client.submit('image-generation', { model, input: { prompt: 'x' } }));

  it('401 → auth_invalid_credentials, without echoing the key', async () => {
    const wrong = createClient({
      providers: [createEvolink({ apiKey: 'sk-evo-wrongwrongwrong123', baseURL: fake.baseURL })],
    });
    const error = await rejection(
      wrong.submit('image-generation', { model: 'evolink:z-image-turbo', input: { prompt: 'x' } }),
    );
    expect(error).toMatchObject({
      code: 'auth_invalid_credentials',
      retryable: false,
      details: { upstreamCode: 401, upstreamType: 'authentication_error' },
    });
    expect(error.message).toContain('Check EVOLINK_API_KEY');
    expect(JSON.stringify(error)).not.toContain('sk-evo-wrongwrongwrong123');
  });

  it('402 insufficient balance → policy_insufficient_credits with where to top up', async () => {
    const broke = await startFakeEvolink({ apiKey: testKey, insufficientBalance: true });
    try {
      const brokeClient = createClient({ providers: [createEvolink({ apiKey: testKey, baseURL: broke.baseURL })] });
      const error = await rejection(
        brokeClient.submit('video-generation', { model: 'evolink:sora-2', input: { prompt: 'x' } }),
      );
      expect(error).toMatchObject({ code: 'policy_insufficient_credits', retryable: false, status: 402 });
      expect(error.message).toContain('evolink.ai/dashboard/billing');
    } finally {
      await broke.close();
    }
  });

  it('an invalid model (400 on param model) → caller_model_not_found', async () => {
    // Not in the capability table, so it reaches EvoLink, which refuses it.
    const error = await submit('evolink:no-such-image-model');
    expect(error).toMatchObject({ code: 'caller_model_not_found', details: { param: 'model', upstreamStatus: 400 } });
    expect(error.message).toContain('Invalid model: no-such-image-model');
  });

  it('content_policy_violation in an HTTP error → policy_content_filtered', async () => {
    fake.failWith('POST /v1/images/generations', 400, {
      message: 'Prompt rejected by safety review',
      type: 'content_policy_violation',
    });
    expect(await submit()).toMatchObject({ code: 'policy_content_filtered', retryable: false });
    fake.failWith('POST /v1/chat/completions', 400, {
      message: 'Prompt rejected by safety review',
      code: 'content_policy_violation',
      type: 'invalid_request_error',
    });
    expect(await chat()).toMatchObject({ code: 'policy_content_filtered' });
  });

  it('429 → provider_rate_limited with Retry-After', async () => {
    fake.failWith(
      'POST /v1/chat/completions',
      429,
      { message: 'Rate limit or concurrency limit', type: 'rate_limit_error' },
      { headers: { 'retry-after': '7' }, times: Infinity },
    );
    const provider = createEvolink({ apiKey: testKey, baseURL: fake.baseURL });
    const error = await rejection(provider.doRun!({ task: 'chat-completion', model: { id: 'gpt-5.5' }, input: hello }));
    expect(error).toMatchObject({ code: 'provider_rate_limited', retryable: true, retryAfterMs: 7000, status: 429 });
  });

  it('5xx → provider errors; a string error code and fallback_suggestion are kept', async () => {
    const provider = createEvolink({ apiKey: testKey, baseURL: fake.baseURL });
    const run = () => rejection(provider.doRun!({ task: 'chat-completion', model: { id: 'gpt-5.5' }, input: hello }));
    fake.failWith('POST /v1/chat/completions', 502, {
      message: 'Upstream service unavailable',
      type: 'upstream_error',
    });
    expect(await run()).toMatchObject({ code: 'provider_server_error', retryable: true });
    fake.server.fault('POST /v1/chat/completions', {
      kind: 'status',
      status: 503,
      body: {
        error: {
          code: 'model_unavailable',
          message: 'Model busy',
          type: 'model_unavailable',
          fallback_suggestion: 'try gpt-5.1',
        },
      },
    });
    const unavailable = await run();
    expect(unavailable).toMatchObject({ code: 'provider_unavailable', details: { upstreamCode: 'model_unavailable' } });
    expect(unavailable.message).toContain('Suggestion: try gpt-5.1');
  });
});

describe('the same OpenAI-compatible code serves another provider', () => {
  let openai: FakeOpenAI;
  beforeAll(async () => {
    openai = await startFakeOpenAI({ models: ['qwen2.5-7b'] });
  });
  afterAll(() => openai.close());

  it('answers EvoLink and a local vLLM through one client with the same mapping', async () => {
    const both = createClient({
      providers: [
        createEvolink({ apiKey: testKey, baseURL: fake.baseURL }),
        createOpenAICompatible({ name: 'local-vllm', baseURL: openai.baseURL }),
      ],
    });
    const fromEvolink = await both.run('chat-completion', { model: 'evolink:gpt-5.5', input: hello });
    const fromVllm = await both.run('chat-completion', { model: 'local-vllm:qwen2.5-7b', input: hello });
    expect(fromVllm.provider).toBe('local-vllm');
    const shape = (output: typeof fromEvolink.output) => ({
      ...output,
      id: '<id>',
      created: 0,
      model: '<model>',
      system_fingerprint: undefined,
    });
    expect(shape(fromVllm.output)).toEqual(shape(fromEvolink.output));
    expect(fromVllm.usage).toEqual(fromEvolink.usage);
  });

  it('keeps no chat mapping of its own in the EvoLink package', async () => {
    const directory = new URL('.', import.meta.url).pathname;
    const sources = (await readdir(directory)).filter((name) => name.endsWith('.ts') && !name.includes('.test'));
    for (const name of sources) {
      const text = await readFile(join(directory, name), 'utf8');
      expect(text, name).not.toMatch(/choices|delta|chat\.completion/);
    }
  });
});
