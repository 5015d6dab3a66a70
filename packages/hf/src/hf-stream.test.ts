import { createClient, type InfermuxEvent } from '@infermux/core';
import { collectAll, FAKE_HF_VALID_TOKEN } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHf } from './hf-provider';
import { type FakeHfSetup, setupFakeHf } from './test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());
beforeEach(() => setup.fake.server.reset());

const tgi = () =>
  createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, textGenerationRoute: 'tgi', env: {} });
const chatInput = { messages: [{ role: 'user', content: 'Hello there friend' }] };

describe('streams that do not finish cleanly end with a typed error part', () => {
  it('a TGI stream cut before its final event → provider_stream_interrupted after the tokens received', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', { kind: 'cut-body', afterBytes: 250 });
    const streamed = await tgi().doStream({
      task: 'text-generation',
      model: { id: 'gpt2' },
      input: { inputs: 'Say', parameters: { max_new_tokens: 10 } },
    });
    const parts = await collectAll(streamed.stream);
    expect(parts.filter((part) => part.type === 'text-delta').length).toBeGreaterThan(0);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_stream_interrupted' } });
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it('a chat stream with an OpenAI-style {"error": {"message"}} event', async () => {
    const remove = setup.fake.server.route('POST', '/v1/chat/completions', (_request, response) =>
      response.sse([
        {
          id: 'c1',
          object: 'chat.completion.chunk',
          created: 1,
          model: 'm',
          choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
        },
        { error: { message: 'Upstream provider failed mid-generation', type: 'server_error' } },
      ]),
    );
    try {
      const streamed = await setup.provider.doStream({
        task: 'chat-completion',
        model: { id: 'meta-llama/Llama-3.1-8B-Instruct' },
        input: chatInput,
      });
      const parts = await collectAll(streamed.stream);
      expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual(['Hel']);
      expect(parts.at(-1)).toMatchObject({
        type: 'error',
        error: { message: expect.stringContaining('Upstream provider failed mid-generation') },
      });
    } finally {
      remove();
    }
  });

  it('a chat stream closed before [DONE] → provider_stream_interrupted', async () => {
    setup.fake.server.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: 300 });
    const streamed = await setup.provider.doStream({
      task: 'chat-completion',
      model: { id: 'meta-llama/Llama-3.1-8B-Instruct' },
      input: chatInput,
    });
    const parts = await collectAll(streamed.stream);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_stream_interrupted' } });
  });

  it('an error status before the stream starts is thrown by doStream, mapped like any call', async () => {
    await expect(
      tgi().doStream({ task: 'text-generation', model: { id: 'acme/slow-loader' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({
      code: 'provider_model_loading',
      retryAfterMs: 20_000,
    });
  });

  it('a 200 that is neither an event stream nor JSON is a bad response', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: '<html>maintenance</html>',
    });
    await expect(
      tgi().doStream({ task: 'text-generation', model: { id: 'gpt2' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('neither an event stream nor JSON'),
    });
  });

  it('a 200 JSON {"error"} to a stream request is thrown before any part, mapped as a TGI error', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: { error: 'Model is overloaded', error_type: 'overloaded' },
    });
    await expect(
      tgi().doStream({ task: 'text-generation', model: { id: 'gpt2' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({ code: 'provider_rate_limited' });
  });

  it('only streaming tasks stream', async () => {
    await expect(
      setup.provider.doStream({ task: 'text-classification', model: { id: 'gpt2' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({ code: 'caller_unsupported' });
  });
});

describe('streams as real servers end them (issue #18)', () => {
  const chat = (model: string) =>
    setup.provider.doStream({ task: 'chat-completion', model: { id: model }, input: chatInput });

  it('item 2: a TGI-2 chat stream that ends after its finish_reason without [DONE] is complete, not an error', async () => {
    const parts = await collectAll((await chat('acme/tgi2-chat')).stream);
    expect(parts.some((part) => part.type === 'error')).toBe(false);
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('You said: Hello there friend');
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({ finishReason: 'stop' });
    expect(parts.at(-1)).toMatchObject({ type: 'usage', usage: { outputTokens: 5 } });
  });

  it('item 2: the same stream cut before its finish_reason is still provider_stream_interrupted', async () => {
    setup.fake.server.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: 300 });
    const parts = await collectAll((await chat('acme/tgi2-chat')).stream);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'provider_stream_interrupted' } });
  });

  it('item 2: core books a clean end without [DONE] as a success (no error attempt, no retry)', async () => {
    const events: InfermuxEvent[] = [];
    const client = createClient({
      providers: [createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, env: {} })],
      onEvent: (event) => events.push(event),
    });
    const stream = client.stream('chat-completion', { model: 'acme/tgi2-chat', input: chatInput });
    for await (const _part of stream) {
      // consume
    }
    const result = await stream.result;
    expect(result.output.choices[0]).toMatchObject({
      message: { content: 'You said: Hello there friend' },
      finish_reason: 'stop',
    });
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({ status: 'ok' });
    expect(events.filter((event) => event.type === 'attempt-end')).toEqual([
      expect.not.objectContaining({ errorCode: expect.anything() }),
    ]);
    expect(setup.fake.server.requests).toHaveLength(1);
  });

  it('issue #19: streams without [DONE] after finish_reason leave the breaker closed, one successful attempt each', async () => {
    const client = createClient({
      providers: [createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, env: {} })],
      breaker: { consecutiveFailures: 5 },
    });
    for (let index = 0; index < 6; index++) {
      const stream = client.stream('chat-completion', { model: 'acme/tgi2-chat', input: chatInput });
      expect((await collectAll(stream)).some((part) => part.type === 'error')).toBe(false);
      expect((await stream.result).attempts).toEqual([expect.not.objectContaining({ errorCode: expect.anything() })]);
    }
    expect(client.health().targets.map((target) => target.breaker)).toEqual(['closed']);
  });

  it('item 7: a chat stream answered with the whole JSON completion is one chunk, not a failure', async () => {
    const streamed = await chat('acme/no-stream');
    expect(setup.last().json()).toMatchObject({ stream: true });
    const parts = await collectAll(streamed.stream);
    expect(parts.map((part) => part.type)).toEqual(['response-metadata', 'text-delta', 'finish', 'usage']);
    expect(parts[1]).toMatchObject({ text: 'You said: Hello there friend', role: 'assistant' });
    expect(parts[2]).toMatchObject({ finishReason: 'stop' });
    expect(setup.fake.server.requests).toHaveLength(1);
  });

  it('item 7: TGI text-generation and /v1/completions streams answered with JSON are one chunk too', async () => {
    const native = await tgi().doStream({
      task: 'text-generation',
      model: { id: 'acme/no-stream' },
      input: { inputs: 'Say', parameters: { max_new_tokens: 10 } },
    });
    const nativeParts = await collectAll(native.stream);
    expect(nativeParts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual([
      ' The answer is 42.',
    ]);
    expect(nativeParts.find((part) => part.type === 'finish')).toMatchObject({
      finishReason: 'unknown',
      generatedText: ' The answer is 42.',
    });
    expect(nativeParts.some((part) => part.type === 'error')).toBe(false);

    const completions = await setup.provider.doStream({
      task: 'text-generation',
      model: { id: 'acme/no-stream' },
      input: { inputs: 'Say', parameters: { max_new_tokens: 2 } },
    });
    const completionParts = await collectAll(completions.stream);
    expect(completionParts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual([
      ' The answer',
    ]);
    expect(completionParts.find((part) => part.type === 'finish')).toMatchObject({ finishReason: 'length' });
    expect(completionParts.find((part) => part.type === 'usage')).toMatchObject({ usage: { outputTokens: 2 } });
  });

  it('item 7: a forwarded chat stream answered with JSON reaches the caller as SSE ending with [DONE]', async () => {
    const forward = setup.provider.doForward;
    if (!forward) throw new Error('the hf provider forwards chat');
    const forwarded = await forward({
      task: 'chat-completion',
      wire: 'openai',
      model: { id: 'acme/no-stream' },
      input: chatInput,
      stream: true,
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of forwarded.body as AsyncIterable<{ bytes: Uint8Array }>) chunks.push(chunk.bytes);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(forwarded.contentType).toBe('text/event-stream');
    expect(text).toContain('"content":"You said: Hello there friend"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(forwarded.usage()).toMatchObject({ outputTokens: 5 });
  });

  it('item 8: a streamed chat asks for usage; a target that refuses stream_options gets it once more without', async () => {
    await collectAll((await chat('meta-llama/Llama-3.1-8B-Instruct')).stream);
    expect(setup.last().json()).toMatchObject({ stream_options: { include_usage: true } });

    setup.fake.server.reset();
    const parts = await collectAll((await chat('acme/strict-chat')).stream);
    expect(setup.fake.server.requests.map((request) => 'stream_options' in request.json<object>())).toEqual([
      true,
      false,
    ]);
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('You said: Hello there friend');
    expect(parts.some((part) => part.type === 'error')).toBe(false);
  });
});
