import type { StreamPart } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHf } from './hf-provider';
import { type FakeHfSetup, setupFakeHf } from './test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());
beforeEach(() => setup.fake.server.reset());

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

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
    const parts = await collect(streamed.stream);
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
      const parts = await collect(streamed.stream);
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
    const parts = await collect(streamed.stream);
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

  it('a 200 that is not text/event-stream is a bad response', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: [{ generated_text: 'not streamed' }],
    });
    await expect(
      tgi().doStream({ task: 'text-generation', model: { id: 'gpt2' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('expected text/event-stream'),
    });
  });

  it('only streaming tasks stream', async () => {
    await expect(
      setup.provider.doStream({ task: 'text-classification', model: { id: 'gpt2' }, input: { inputs: 'x' } }),
    ).rejects.toMatchObject({ code: 'caller_unsupported' });
  });
});
