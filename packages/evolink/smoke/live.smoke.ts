import { createClient, InfermuxError, waitForJob } from '@infermux/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { downloadResult, evolink } from '../src/index';

/**
 * Against the real EvoLink API: `EVOLINK_API_KEY=sk-evo-… pnpm --filter @infermux/evolink smoke:live`.
 * Chat is cheap and always runs. Image and video jobs cost credits, so they run only with
 * `EVOLINK_SMOKE_MEDIA=1` (image) / `EVOLINK_SMOKE_VIDEO=1` (video, minutes and more credits).
 * Models: `EVOLINK_SMOKE_CHAT_MODEL` (default gpt-5.5), `EVOLINK_SMOKE_IMAGE_MODEL` (default
 * doubao-seedream-4.0), `EVOLINK_SMOKE_VIDEO_MODEL` (default sora-2).
 */
const env = process.env;
const client = createClient({ providers: [evolink] });

beforeAll(() => {
  if (!env.EVOLINK_API_KEY) {
    throw new Error(
      'smoke:live talks to the real EvoLink API: set EVOLINK_API_KEY (and optionally EVOLINK_SMOKE_MEDIA=1).',
    );
  }
  console.log('EvoLink base URLs:', evolink.baseURLs());
});

describe('EvoLink live', () => {
  const chatModel = env.EVOLINK_SMOKE_CHAT_MODEL ?? 'gpt-5.5';
  const messages = [{ role: 'user', content: 'Reply with the single word: pong' }];

  it(`chat (${chatModel}): plain, with token usage`, async () => {
    const result = await client.run('chat-completion', {
      model: `evolink:${chatModel}`,
      input: { messages, max_tokens: 256 },
    });
    console.log('chat:', JSON.stringify(result.output.choices[0]?.message.content), result.usage, result.model);
    expect(result.output.choices.length).toBeGreaterThan(0);
    expect(result.usage.totalTokens).toBeGreaterThan(0);
  });

  it(`chat (${chatModel}): streaming ends cleanly (checks the unverified SSE framing and include_usage)`, async () => {
    const stream = client.stream('chat-completion', {
      model: `evolink:${chatModel}`,
      input: { messages, max_tokens: 256 },
    });
    const kinds = new Map<string, number>();
    for await (const part of stream) kinds.set(part.type, (kinds.get(part.type) ?? 0) + 1);
    const result = await stream.result;
    console.log('stream parts:', Object.fromEntries(kinds), 'usage:', result.usage);
    expect(kinds.get('error')).toBeUndefined();
  });

  it('evolink/auto reports the model it routed to', async () => {
    const result = await client.run('chat-completion', {
      model: 'evolink:evolink/auto',
      input: { messages, max_tokens: 256 },
    });
    console.log('evolink/auto answered with model', result.model.id);
    expect(result.model.id).not.toBe('');
  });

  it('maps a malformed task id to caller_invalid_input (free: no job is created)', async () => {
    const error = await client.getJob('image-generation', { provider: 'evolink', jobId: 'not-a-task-id' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    console.log('bad task id:', InfermuxError.isInstance(error) ? error.toJSON() : error);
    expect(InfermuxError.isInstance(error)).toBe(true);
  });

  it.runIf(env.EVOLINK_SMOKE_MEDIA === '1')('image job runs to completion and downloads', async () => {
    const model = env.EVOLINK_SMOKE_IMAGE_MODEL ?? 'doubao-seedream-4.0';
    const job = await client.submit('image-generation', {
      model: `evolink:${model}`,
      input: { prompt: 'a small red lighthouse on a rock, watercolor', size: '1:1' },
    });
    console.log('submitted', job.jobId, job.state, job.usage, `~${job.estimatedSecondsRemaining}s`);
    const done = await waitForJob(client, 'image-generation', job, {
      deadlineMs: 5 * 60_000,
      onProgress: (status) => console.log(status.state, status.progress),
    });
    const url = done.output?.images[0]?.url as string;
    const image = await downloadResult(url, { expiresAt: done.expiresAt });
    console.log(
      'result',
      url,
      image.contentType,
      image.data.byteLength,
      'bytes; expires',
      new Date(done.expiresAt ?? 0).toISOString(),
    );
    expect(image.data.byteLength).toBeGreaterThan(1000);
  });

  it.runIf(env.EVOLINK_SMOKE_VIDEO === '1')('video job runs to completion', async () => {
    const model = env.EVOLINK_SMOKE_VIDEO_MODEL ?? 'sora-2';
    const job = await client.submit('video-generation', {
      model: `evolink:${model}`,
      input: { prompt: 'waves rolling onto a beach at sunset', aspect_ratio: '16:9' },
    });
    console.log('submitted', job.jobId, job.usage);
    const done = await waitForJob(client, 'video-generation', job, {
      deadlineMs: 12 * 60_000,
      onProgress: (status) => console.log(status.state, status.progress),
    });
    console.log('result', done.output?.videos[0]?.url);
    expect(done.output?.videos.length).toBeGreaterThan(0);
  });
});
