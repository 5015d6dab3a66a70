import { getTask, parseWith, type StreamPart } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHf } from '../hf-provider';
import { type FakeHfSetup, received, setupFakeHf, stable } from '../test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf({}, { endpoints: [{ name: 'my-tgi', model: 'openai-community/gpt2' }] });
});
afterAll(() => setup.close());

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const prompt = { inputs: 'The answer to the universe is', parameters: { max_new_tokens: 3, temperature: 0.7 } };

describe('text-generation, OpenAI completions route (the default, as huggingface.js)', () => {
  it('POSTs {model, prompt, max_tokens} to /v1/completions and maps choices[0].text', async () => {
    const result = stable(
      await setup.provider.doRun({ task: 'text-generation', model: { id: 'openai-community/gpt2' }, input: prompt }),
    );
    parseWith(getTask('text-generation').output, result.output, 'text-generation output');
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "max_tokens": 3,
          "model": "openai-community/gpt2",
          "prompt": "The answer to the universe is",
          "temperature": 0.7,
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/openai-community/gpt2/v1/completions",
      }
    `);
    expect(result).toMatchInlineSnapshot(`
      {
        "output": {
          "details": {
            "finish_reason": "length",
            "generated_tokens": 3,
          },
          "generated_text": " The answer is",
        },
        "usage": {
          "inputTokens": 6,
          "outputTokens": 3,
          "totalTokens": 9,
        },
        "warnings": [],
      }
    `);
  });

  it('refuses a TGI-only parameter by name, saying how to send it', async () => {
    await expect(
      setup.provider.doRun({
        task: 'text-generation',
        model: { id: 'openai-community/gpt2' },
        input: { inputs: 'Hi', parameters: { do_sample: true } },
      }),
    ).rejects.toMatchObject({
      code: 'caller_invalid_input',
      message: expect.stringMatching(/textGenerationRoute: "tgi".*parameters\.do_sample: not supported/),
    });
  });

  it('streams OpenAI completion chunks with usage at the end', async () => {
    const streamed = await setup.provider.doStream({
      task: 'text-generation',
      model: { id: 'openai-community/gpt2' },
      input: prompt,
    });
    expect(received(setup.last()).body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(received(setup.last()).headers.accept).toBe('text/event-stream');
    const parts = await collect(streamed.stream);
    expect(parts.filter((part) => part.type !== 'response-metadata')).toMatchInlineSnapshot(`
      [
        {
          "choice": 0,
          "text": " The",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "text": " answer",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "text": " is",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "finishReason": "length",
          "type": "finish",
        },
        {
          "type": "usage",
          "usage": {
            "inputTokens": 6,
            "outputTokens": 3,
            "totalTokens": 9,
          },
        },
      ]
    `);
  });
});

describe('text-generation, TGI route (textGenerationRoute: "tgi", as huggingface_hub)', () => {
  const tgi = () =>
    createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, textGenerationRoute: 'tgi', env: {} });

  it('POSTs {inputs, parameters} as huggingface_hub does (return_full_text only when set); accepts the [{generated_text}] answer', async () => {
    const result = stable(
      await tgi().doRun({
        task: 'text-generation',
        model: { id: 'gpt2' },
        input: { ...prompt, parameters: { ...prompt.parameters, do_sample: true } },
      }),
    );
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "The answer to the universe is",
          "parameters": {
            "do_sample": true,
            "max_new_tokens": 3,
            "temperature": 0.7,
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/gpt2",
      }
    `);
    expect(result).toMatchInlineSnapshot(`
      {
        "output": {
          "generated_text": " The answer is",
        },
        "usage": {
          "computeSeconds": 0.051,
          "computeType": "cpu",
        },
        "warnings": [],
      }
    `);
  });

  it('streams TGI events: tokens, a special EOS token without text, the final text and details', async () => {
    const streamed = await tgi().doStream({
      task: 'text-generation',
      model: { id: 'gpt2' },
      input: { inputs: 'Say', parameters: { max_new_tokens: 10 } },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: 'Say',
      parameters: { max_new_tokens: 10 },
      stream: true,
    });
    const parts = await collect(streamed.stream);
    expect(parts).toMatchInlineSnapshot(`
      [
        {
          "text": " The",
          "token": {
            "id": 400,
            "logprob": -0.1,
            "special": false,
          },
          "type": "text-delta",
        },
        {
          "text": " answer",
          "token": {
            "id": 401,
            "logprob": -0.2,
            "special": false,
          },
          "type": "text-delta",
        },
        {
          "text": " is",
          "token": {
            "id": 402,
            "logprob": -0.30000000000000004,
            "special": false,
          },
          "type": "text-delta",
        },
        {
          "text": " 42",
          "token": {
            "id": 403,
            "logprob": -0.4,
            "special": false,
          },
          "type": "text-delta",
        },
        {
          "text": ".",
          "token": {
            "id": 404,
            "logprob": -0.5,
            "special": false,
          },
          "type": "text-delta",
        },
        {
          "text": "",
          "token": {
            "id": 2,
            "logprob": -0.01,
            "special": true,
          },
          "type": "text-delta",
        },
        {
          "finishReason": "eos_token",
          "generatedText": " The answer is 42.",
          "type": "finish",
        },
        {
          "type": "usage",
          "usage": {
            "inputTokens": 1,
            "outputTokens": 6,
          },
        },
      ]
    `);
  });

  it('a TGI stream that ends with an error event yields the text so far, then a typed error part', async () => {
    const streamed = await tgi().doStream({
      task: 'text-generation',
      model: { id: 'acme/flaky-tgi' },
      input: { inputs: 'Say', parameters: { max_new_tokens: 10 } },
    });
    const parts = await collect(streamed.stream);
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => part.text)).toEqual([' The', ' answer']);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error).toMatchObject({
      code: 'provider_server_error',
      message: 'hf stream failed: Request failed during generation: Server error: CUDA out of memory',
      details: { errorType: 'generation' },
    });
  });

  it("a TGI validation error (422 + error_type) is the caller's, with the upstream message", async () => {
    await expect(
      tgi().doRun({
        task: 'text-generation',
        model: { id: 'gpt2' },
        input: { inputs: 'Hi', parameters: { max_new_tokens: 5000 } },
      }),
    ).rejects.toMatchObject({
      code: 'caller_request_rejected',
      status: 400,
      message: expect.stringContaining('Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096'),
      details: { upstreamStatus: 422, errorType: 'validation' },
    });
  });
});

describe('chat-completion', () => {
  const messages = [{ role: 'user', content: 'How many Gs in huggingface?' }];

  it('goes to the OpenAI-compatible router with org/model:provider as the model, reusing the OpenAI mapping', async () => {
    const result = stable(
      await setup.provider.doRun({
        task: 'chat-completion',
        model: { id: 'meta-llama/Llama-3.1-8B-Instruct', variant: 'groq' },
        input: { messages, max_tokens: 64 },
      }),
    );
    parseWith(getTask('chat-completion').output, result.output, 'chat-completion output');
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "max_tokens": 64,
          "messages": [
            {
              "content": "How many Gs in huggingface?",
              "role": "user",
            },
          ],
          "model": "meta-llama/Llama-3.1-8B-Instruct:groq",
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/v1/chat/completions",
      }
    `);
    expect(JSON.stringify(setup.last().json()).startsWith('{"model":')).toBe(true);
    expect({ ...result, output: { ...result.output, id: '<id>', created: 0 } }).toMatchInlineSnapshot(`
      {
        "output": {
          "choices": [
            {
              "finish_reason": "stop",
              "index": 0,
              "logprobs": null,
              "message": {
                "content": "You said: How many Gs in huggingface?",
                "role": "assistant",
              },
            },
          ],
          "created": 0,
          "id": "<id>",
          "model": "meta-llama/Llama-3.1-8B-Instruct",
          "object": "chat.completion",
          "system_fingerprint": "3.0.0-sha-fake",
          "usage": {
            "completion_tokens": 7,
            "prompt_tokens": 5,
            "total_tokens": 12,
          },
        },
        "usage": {
          "inputTokens": 5,
          "outputTokens": 7,
          "totalTokens": 12,
        },
        "warnings": [],
      }
    `);
  });

  it('routes the hf-inference variant to /hf-inference/models/{id}/v1/chat/completions', async () => {
    await setup.provider.doRun({
      task: 'chat-completion',
      model: { id: 'meta-llama/Llama-3.1-8B-Instruct', variant: 'hf-inference' },
      input: { messages },
    });
    expect(setup.last().path).toBe('/hf-inference/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions');
    expect(setup.last().json()).toMatchObject({ model: 'meta-llama/Llama-3.1-8B-Instruct' });
  });

  it('streams chat chunks (role, deltas, finish, usage)', async () => {
    const streamed = await setup.provider.doStream({
      task: 'chat-completion',
      model: { id: 'meta-llama/Llama-3.1-8B-Instruct' },
      input: { messages: [{ role: 'user', content: 'Hi there' }] },
    });
    expect(setup.last().json()).toMatchObject({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      stream: true,
      stream_options: { include_usage: true },
    });
    const parts = await collect(streamed.stream);
    expect(parts.filter((part) => part.type !== 'response-metadata')).toMatchInlineSnapshot(`
      [
        {
          "choice": 0,
          "role": "assistant",
          "text": "You",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "text": " said:",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "text": " Hi",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "text": " there",
          "type": "text-delta",
        },
        {
          "choice": 0,
          "finishReason": "stop",
          "type": "finish",
        },
        {
          "type": "usage",
          "usage": {
            "inputTokens": 2,
            "outputTokens": 4,
            "totalTokens": 6,
          },
        },
      ]
    `);
  });

  it("forwards the router's own bytes (OpenAI wire): usage read, cut from the stream unless asked, errors mapped", async () => {
    const model = { id: 'meta-llama/Llama-3.1-8B-Instruct' };
    const input = { messages: [{ role: 'user' as const, content: 'Hi there' }] };
    const answer = await setup.provider.doForward!({
      task: 'chat-completion',
      model,
      input,
      wire: 'openai',
      stream: false,
    });
    expect(JSON.parse(Buffer.from(answer.body as Uint8Array).toString()).choices[0].message.content).toBe(
      'You said: Hi there',
    );
    expect(answer.usage()).toEqual({ inputTokens: 2, outputTokens: 4, totalTokens: 6 });

    const streamed = await setup.provider.doForward!({
      task: 'chat-completion',
      model,
      input,
      wire: 'openai',
      stream: true,
    });
    expect(setup.last().json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of streamed.body as AsyncIterable<{ bytes: Uint8Array }>)
      text += Buffer.from(chunk.bytes).toString();
    expect(text).toContain('"content":" there"');
    expect(text).not.toContain('"usage":{');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(streamed.usage().totalTokens).toBe(6);

    await expect(
      setup.provider.doForward!({
        task: 'chat-completion',
        model: { id: 'openai-community/gpt2' },
        input: { messages },
        wire: 'openai',
        stream: false,
      }),
    ).rejects.toMatchObject({
      code: 'caller_request_rejected',
    });
  });

  it('maps a router error body ({error: {message}}) with the upstream message', async () => {
    await expect(
      setup.provider.doRun({ task: 'chat-completion', model: { id: 'openai-community/gpt2' }, input: { messages } }),
    ).rejects.toMatchObject({
      code: 'caller_request_rejected',
      message: expect.stringContaining("The requested model 'openai-community/gpt2' is not supported"),
    });
  });

  it('refuses a provider suffix on tasks that only run on HF Inference', async () => {
    await expect(
      setup.provider.doRun({
        task: 'text-classification',
        model: { id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', variant: 'groq' },
        input: { inputs: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'caller_unsupported' });
  });
});

describe('dedicated Inference Endpoint (endpointUrl)', () => {
  it('chat appends /v1/chat/completions; the TGI body goes to the URL as is', async () => {
    const endpoint = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      endpointUrl: `${setup.fake.endpointUrl('my-tgi')}/`,
      textGenerationRoute: 'tgi',
      env: {},
    });
    const chat = await endpoint.doRun({
      task: 'chat-completion',
      model: { id: 'openai-community/gpt2' },
      input: { messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(setup.last().path).toBe('/endpoints/my-tgi/v1/chat/completions');
    expect(chat.output.choices[0]?.message.content).toBe('You said: Hi');
    const generated = await endpoint.doRun({
      task: 'text-generation',
      model: { id: 'openai-community/gpt2' },
      input: prompt,
    });
    expect(setup.last().path).toBe('/endpoints/my-tgi/');
    expect(generated.output.generated_text).toBe(' The answer is');
  });
});
