import { createClient, waitForJob } from '@infermux/core';
import { type FakeEvolink, startFakeEvolink } from '@infermux/testkit';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { downloadResult, evolink } from './index';

// The seed's two EvoLink examples, written as a user writes them: the default `evolink` provider,
// the key and base URL from the environment (here pointing at the fake), nothing else configured.
let fake: FakeEvolink;
beforeAll(async () => {
  fake = await startFakeEvolink({ apiKey: 'sk-evo-seed-example-0123456789' });
  vi.stubEnv('EVOLINK_API_KEY', 'sk-evo-seed-example-0123456789');
  vi.stubEnv('EVOLINK_BASE_URL', fake.baseURL);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await fake.close();
});

it('seed example 1: chat with EvoLink (gpt-5.5, then the evolink/auto Smart Router)', async () => {
  const client = createClient({ providers: [evolink] });

  const reply = await client.run('chat-completion', {
    model: 'evolink:gpt-5.5',
    input: { messages: [{ role: 'user', content: 'Explain failover in one sentence.' }], max_tokens: 64 },
  });
  expect(reply.output.choices[0]?.message.content).toBe('You said: Explain failover in one sentence.');
  expect(reply.usage.totalTokens).toBeGreaterThan(0);

  let streamed = '';
  for await (const text of client.stream('chat-completion', {
    model: 'evolink:evolink/auto',
    input: { messages: [{ role: 'user', content: 'Pick the right model for me.' }] },
  }).textStream) {
    streamed += text;
  }
  expect(streamed).toBe('You said: Pick the right model for me.');
});

it('seed example 2: an image with doubao-seedream-4.0, waited for and downloaded', async () => {
  const client = createClient({ providers: [evolink] });

  const job = await client.submit('image-generation', {
    model: 'evolink:doubao-seedream-4.0',
    input: { prompt: 'a lighthouse at dawn', size: '16:9' },
  });
  const done = await waitForJob(client, 'image-generation', job, {
    intervalMs: 20,
    maxIntervalMs: 50,
    onProgress: (status) => expect(status.jobId).toBe(job.jobId),
  });
  const url = done.output?.images[0]?.url as string;
  const image = await downloadResult(url);

  expect(image.contentType).toBe('image/png');
  expect(Buffer.from(image.data).subarray(1, 4).toString()).toBe('PNG');
  expect(done.expiresAt).toBeGreaterThan(Date.now());
  expect(fake.count('POST', '/v1/images/generations')).toBe(1);
});
