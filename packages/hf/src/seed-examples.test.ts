import { createClient } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf, TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHf } from './hf-provider';

// The seed's own calls, written the way a user writes them: the token in HF_TOKEN, one client, `client.run`.
// The only test-specific part is pointing the provider at the local fake instead of the real router and Hub.

let fake: FakeHf;
beforeAll(async () => {
  fake = await startFakeHf();
  vi.stubEnv('HF_TOKEN', FAKE_HF_VALID_TOKEN);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});

const client = () => createClient({ providers: [createHf({ baseURL: fake.url, hubURL: fake.hubURL })] });

describe('seed examples', () => {
  it('sentiment with distilbert SST-2', async () => {
    const result = await client().run('text-classification', {
      model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
      input: { inputs: 'I like you. I love you' },
    });
    expect(result.output[0]).toMatchObject({ label: 'POSITIVE' });
    expect(result.output[0]?.score).toBeGreaterThan(0.9);
    expect(result).toMatchObject({
      provider: 'hf',
      model: { id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english' },
      usage: { characters: 22 },
    });
    expect(result.requestId).toMatch(/^Root=1-/);
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_HF_VALID_TOKEN}`);
  });

  it('gpt2 generation with parameters', async () => {
    const result = await client().run('text-generation', {
      model: 'openai-community/gpt2',
      input: {
        inputs: 'The answer to the universe is',
        parameters: { max_new_tokens: 4, temperature: 0.7, return_full_text: false },
      },
    });
    expect(result.output.generated_text).toBe(' The answer is 42');
    expect(result.usage).toMatchObject({ inputTokens: 6, outputTokens: 4 });
    expect(fake.server.requests.at(-1)?.json()).toEqual({
      model: 'openai-community/gpt2',
      prompt: 'The answer to the universe is',
      max_tokens: 4,
      temperature: 0.7,
      echo: false,
    });
  });

  it('gpt2 generation, streamed', async () => {
    const stream = client().stream('text-generation', {
      model: 'openai-community/gpt2',
      input: { inputs: 'The answer to the universe is', parameters: { max_new_tokens: 10 } },
    });
    let text = '';
    for await (const delta of stream.textStream) text += delta;
    expect(text).toBe(' The answer is 42.');
    expect((await stream.result).output.generated_text).toBe(' The answer is 42.');
  });

  it('image classification with raw image bytes', async () => {
    const image = new Uint8Array(TINY_PNG); // e.g. await readFile('cats.png')
    const result = await client().run('image-classification', {
      model: 'google/vit-base-patch16-224',
      input: { inputs: image },
    });
    const request = fake.server.requests.at(-1);
    expect(request?.headers['content-type']).toBe('image/png');
    expect(request?.body.equals(TINY_PNG)).toBe(true);
    expect(result.output).toHaveLength(5);
    expect(result.output.map((item) => item.label)).toContain('Egyptian cat');
  });

  it('zero-shot classification with candidate labels', async () => {
    const result = await client().run('zero-shot-classification', {
      model: 'facebook/bart-large-mnli',
      input: {
        inputs:
          'Hi, I recently bought a device from your company but it is not working as advertised and I would like to get reimbursed! I want a refund.',
        parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
      },
    });
    // One text gives one list of scores (a list of texts would give one list per text).
    expect(Array.isArray(result.output[0])).toBe(false);
    const scores = result.output as Array<{ label: string; score: number }>;
    expect(scores[0]?.label).toBe('refund');
    expect(scores.map((item) => item.label).sort()).toEqual(['faq', 'legal', 'refund']);
  });

  it('chat through the router, streamed with usage at the end', async () => {
    const stream = client().stream('chat-completion', {
      model: 'meta-llama/Llama-3.1-8B-Instruct:fastest',
      input: { messages: [{ role: 'user', content: 'Hello' }] },
    });
    const result = await (async () => {
      for await (const _part of stream) {
        // consume
      }
      return stream.result;
    })();
    expect(result.output.choices[0]?.message.content).toBe('You said: Hello');
    expect(result.usage).toMatchObject({ inputTokens: 1, outputTokens: 3 });
    expect(fake.server.requests.at(-1)?.json()).toMatchObject({ model: 'meta-llama/Llama-3.1-8B-Instruct:fastest' });
  });
});
