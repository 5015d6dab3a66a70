import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient, isUnsupportedOperation, type JobStatus, waitForJob } from '@infermux/core';
import { type FakeEvolink, fakeMedia, startFakeEvolink } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadResult } from './download-result';
import { createEvolink } from './evolink-provider';
import { RESULT_LIFETIME_MS } from './evolink-task-status';
import { rejection, testKey } from './test-support/rejection';

let fake: FakeEvolink;
let client: Client;
// Real sockets, short poll intervals: the fake advances by poll count (or by time for "slow" prompts).
const fast = { intervalMs: 15, maxIntervalMs: 30 };

beforeAll(async () => {
  fake = await startFakeEvolink({
    apiKey: testKey,
    behaviour: ({ prompt }) => (prompt.includes('slow') ? { outcome: 'succeed', afterMs: 600 } : undefined) as never,
  });
  client = createClient({ providers: [createEvolink({ apiKey: testKey, baseURL: fake.baseURL })] });
});
afterAll(() => fake.close());
beforeEach(() => fake.server.reset());

describe('image and video jobs', () => {
  it('runs an image job to completion with progress events, results, expiry and credits', async () => {
    const job = await client.submit('image-generation', {
      model: 'evolink:doubao-seedream-4.0',
      input: { prompt: 'A watercolor fox', size: '1:1', n: 2 },
    });
    expect(job).toMatchObject({ provider: 'evolink', state: 'queued', progress: 0, usage: { creditsReserved: 1.8 } });
    // Priced from the credits held at submission, at the shipped (unverified, overridable) credit rate.
    expect(job.cost).toEqual({
      amount: 0.0018,
      currency: 'USD',
      source: 'default',
      priceVersion: 'evolink-defaults-2026-12-07',
      basis: 'quote',
    });
    expect(job.jobId).toMatch(/^task-unified-\d+-[a-z0-9]{8}$/);
    expect(job.estimatedSecondsRemaining).toBeGreaterThan(40);

    const seen: Array<[string, number | undefined]> = [];
    const done = await waitForJob(client, 'image-generation', job, {
      ...fast,
      onProgress: (status) => seen.push([status.state, status.progress]),
    });
    expect(seen[0]).toEqual(['queued', 0]);
    expect(seen.some(([state]) => state === 'running')).toBe(true);
    expect(seen.at(-1)).toEqual(['succeeded', 100]);
    const progress = seen.map(([, value]) => value ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    expect(done.output?.images).toHaveLength(2);
    expect(done.output?.images[0]?.url).toMatch(new RegExp(`^${fake.baseURL}/files/${job.jobId}/0\\.png$`));
    const created = fake.tasks.get(job.jobId)?.created as number;
    expect(done.expiresAt).toBe(created * 1000 + RESULT_LIFETIME_MS);
    expect(done.output?.expires_at).toBe(created + 24 * 3600);
    expect(done.usage).toEqual({ images: 2 });
    expect(fake.server.requests[0]?.json()).toEqual({
      model: 'doubao-seedream-4.0',
      prompt: 'A watercolor fox',
      size: '1:1',
      n: 2,
    });
  });

  it('runs a video job to completion and downloads the result to bytes and to a file', async () => {
    const job = await client.submit('video-generation', {
      model: 'evolink:sora-2',
      input: { prompt: 'A calico cat playing a piano', aspect_ratio: '16:9' },
    });
    expect(job.usage).toEqual({ creditsReserved: 7 });
    expect(job.cost).toMatchObject({ amount: 0.007, currency: 'USD', source: 'default', basis: 'quote' });
    const updates: number[] = [];
    const done = await waitForJob(client, 'video-generation', job, {
      ...fast,
      onProgress: (status) => updates.push(status.progress ?? -1),
    });
    expect(updates.length).toBeGreaterThanOrEqual(3);
    const url = done.output?.videos[0]?.url as string;
    expect(done.usage).toEqual({ videoSeconds: 9 });

    const bytes = await downloadResult(url, { expiresAt: done.expiresAt });
    expect(bytes.contentType).toBe('video/mp4');
    expect(Buffer.from(bytes.data)).toEqual(fakeMedia.video.bytes);

    const directory = await mkdtemp(join(tmpdir(), 'evolink-download-'));
    try {
      const file = await downloadResult(url, { to: join(directory, 'cat.mp4') });
      expect(file).toEqual({
        path: join(directory, 'cat.mp4'),
        size: fakeMedia.video.bytes.byteLength,
        contentType: 'video/mp4',
      });
      expect(await readFile(file.path)).toEqual(fakeMedia.video.bytes);
      expect(await readdir(directory)).toEqual(['cat.mp4']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('says a dead result link has expired', async () => {
    const error = await rejection(
      downloadResult(`${fake.baseURL}/files/task-unified-1-gone0000/0.png`, { expiresAt: Date.now() - 1000 }),
    );
    expect(error.code).toBe('caller_invalid_input');
    expect(error.message).toMatch(
      /no longer available \(it expired at .*\); EvoLink result links are valid for 24 hours/,
    );
  });

  it('rejects a failed job with provider_job_failed, its reason and EvoLink retryability', async () => {
    const policy = await client.submit('image-generation', {
      model: 'evolink:gpt-4o-image',
      input: { prompt: 'something [fail:content_policy_violation]' },
    });
    const error = await rejection(waitForJob(client, 'image-generation', policy, fast));
    expect(error).toMatchObject({
      code: 'provider_job_failed',
      retryable: false,
      details: { jobId: policy.jobId, reason: 'content_policy_violation' },
    });
    expect(error.message).toContain(`job ${policy.jobId} failed: content_policy_violation`);

    const timeout = await client.submit('video-generation', {
      model: 'evolink:veo3-fast',
      input: { prompt: 'waves [fail:generation_timeout]' },
    });
    expect(await rejection(waitForJob(client, 'video-generation', timeout, fast))).toMatchObject({
      code: 'provider_job_failed',
      retryable: true,
      details: { reason: 'generation_timeout' },
    });
  });

  it('times out a job that outlives its deadline, naming the job, which then resumes by id to completion', async () => {
    const job = await client.submit('video-generation', {
      model: 'evolink:seedance-1.5-pro',
      input: { prompt: 'a slow sunrise', duration: 5 },
    });
    const error = await rejection(waitForJob(client, 'video-generation', job, { ...fast, deadlineMs: 150 }));
    expect(error.code).toBe('gateway_timeout');
    expect(error.message).toContain(job.jobId);
    expect(error.message).toMatch(/still running upstream/);
    expect(error.details).toMatchObject({ jobId: job.jobId, provider: 'evolink', resumable: true });

    // Later (another process, say): only the id is needed.
    const done = await waitForJob(client, 'video-generation', { provider: 'evolink', jobId: job.jobId }, fast);
    expect(done.state).toBe('succeeded');
    expect(fake.count('POST', '/v1/videos/generations')).toBe(1);
  });

  it('retries failed status polls and never re-submits the paid job', async () => {
    const job = await client.submit('image-generation', {
      model: 'evolink:z-image-turbo',
      input: { prompt: 'a lighthouse' },
    });
    fake.server.fault(
      'GET /v1/tasks/:id',
      {
        kind: 'status',
        status: 503,
        body: { error: { code: 503, message: 'Service temporarily unavailable', type: 'service_unavailable_error' } },
      },
      { times: 2 },
    );
    fake.failWith(
      'GET /v1/tasks/:id',
      429,
      { message: 'Rate limit or concurrency limit', type: 'rate_limit_error' },
      { headers: { 'retry-after': '0' } },
    );
    fake.server.fault('GET /v1/tasks/:id', { kind: 'reset' });
    const done = await waitForJob(client, 'image-generation', job, fast);
    expect(done.state).toBe('succeeded');
    expect(fake.count('POST', '/v1/images/generations')).toBe(1);
    expect(fake.count('GET', '/v1/tasks/')).toBe(3 + 4);
  });

  it('gives up on polls after the bounded retries, with the job still resumable', async () => {
    const job = await client.submit('image-generation', {
      model: 'evolink:z-image-turbo',
      input: { prompt: 'a lighthouse' },
    });
    fake.server.fault(
      'GET /v1/tasks/:id',
      {
        kind: 'status',
        status: 502,
        body: { error: { code: 502, message: 'Upstream service unavailable', type: 'upstream_error' } },
      },
      { times: Infinity },
    );
    const error = await rejection(waitForJob(client, 'image-generation', job, { ...fast, maxPollRetries: 1 }));
    expect(error).toMatchObject({ code: 'provider_server_error', retryable: true });
    // Two polls by waitForJob (each may itself be retried inside client.getJob): bounded either way.
    expect(fake.count('GET', '/v1/tasks/')).toBeGreaterThanOrEqual(2);
    expect(fake.count('GET', '/v1/tasks/')).toBeLessThanOrEqual(8);
    expect(fake.count('POST', '/v1/images/generations')).toBe(1);
  });

  it('does not offer to retry a submission that may have created a job', async () => {
    fake.failWith('POST /v1/images/generations', 500, {
      message: 'Evolink internal server error',
      type: 'internal_server_error',
    });
    const error = await rejection(
      client.submit('image-generation', { model: 'evolink:z-image-turbo', input: { prompt: 'x' } }),
    );
    expect(error).toMatchObject({
      code: 'provider_server_error',
      retryable: false,
      details: { submission: 'unknown' },
    });
    expect(error.message).toMatch(/may have been created anyway/);
    // A 429 proves the job was not accepted: resending is safe, and only one task exists.
    fake.server.reset();
    fake.failWith(
      'POST /v1/images/generations',
      429,
      { message: 'Rate limit exceeded', type: 'rate_limit_error' },
      { headers: { 'retry-after': '0' } },
    );
    const job = await client.submit('image-generation', { model: 'evolink:z-image-turbo', input: { prompt: 'x' } });
    expect(fake.count('POST', '/v1/images/generations')).toBe(2);
    expect([...fake.tasks.keys()]).toContain(job.jobId);
  });

  it('refuses to cancel with a clear caller_unsupported error (EvoLink has no cancel endpoint)', async () => {
    const job = await client.submit('image-generation', { model: 'evolink:z-image-turbo', input: { prompt: 'x' } });
    const error = await rejection(client.cancelJob('image-generation', { provider: 'evolink', jobId: job.jobId }));
    expect(error.code).toBe('caller_unsupported');
    expect(isUnsupportedOperation(error, 'cancel')).toBe(true);
    expect(error.message).toContain(job.jobId);
    expect(error.message).toMatch(/no cancel endpoint.*keeps running/);
    expect(fake.server.requests.map((request) => request.method)).toEqual(['POST']);
  });

  it('maps a malformed job id to an input error and an unknown one to caller_job_not_found (404)', async () => {
    const malformed = await rejection(client.getJob('image-generation', { provider: 'evolink', jobId: 'not-a-task' }));
    expect(malformed).toMatchObject({
      code: 'caller_invalid_input',
      details: { upstreamCode: 'invalid_task_id', field: 'jobId' },
    });
    const unknown = await rejection(
      client.getJob('image-generation', { provider: 'evolink', jobId: 'task-unified-1700000000-abcdefgh' }),
    );
    expect(unknown).toMatchObject({
      code: 'caller_job_not_found',
      status: 404,
      details: { upstreamStatus: 404, field: 'jobId' },
    });
  });

  it('refuses to read a video job as an image job', async () => {
    const job = await client.submit('video-generation', { model: 'evolink:sora-2', input: { prompt: 'x' } });
    const error = await rejection(client.getJob('image-generation', { provider: 'evolink', jobId: job.jobId }));
    expect(error.code).toBe('caller_invalid_input');
    expect(error.message).toContain('is a video job, not image-generation');
  });
});

describe('task status mapping', () => {
  it('reads the credits held when the task detail reports usage, and prices them', async () => {
    const withUsage = await startFakeEvolink({ apiKey: testKey, usageInTaskDetail: true, creditsReserved: () => 3.6 });
    try {
      const evolinkClient = createClient({
        providers: [createEvolink({ apiKey: testKey, baseURL: withUsage.baseURL })],
      });
      const job = await evolinkClient.submit('image-generation', {
        model: 'evolink:doubao-seedream-4.5',
        input: { prompt: 'x', n: 2 },
      });
      const done: JobStatus<'image-generation'> = await waitForJob(evolinkClient, 'image-generation', job, fast);
      expect(done.usage).toEqual({ creditsReserved: 3.6, images: 2 });
      expect(done.cost).toMatchObject({ amount: 0.0036, source: 'default', basis: 'quote' });
    } finally {
      await withUsage.close();
    }
  });
});

describe('job costs (issue #20)', () => {
  it('prices credits at the configured rate over the shipped one', async () => {
    const configured = createClient({
      providers: [createEvolink({ apiKey: testKey, baseURL: fake.baseURL })],
      prices: { version: 'account-2026-12', models: { 'evolink:*': { perCredit: 0.0025 } } },
    });
    const job = await configured.submit('video-generation', { model: 'evolink:sora-2', input: { prompt: 'A cat' } });
    expect(job.cost).toEqual({
      amount: 0.0175,
      currency: 'USD',
      source: 'config',
      priceVersion: 'account-2026-12',
      basis: 'quote',
    });
  });

  it('leaves a failed job’s cost unknown: EvoLink documents no refund', async () => {
    const job = await client.submit('image-generation', {
      model: 'evolink:doubao-seedream-4.0',
      input: { prompt: 'x [fail:content_policy_violation]' },
    });
    expect(job.cost).toMatchObject({ amount: 0.0018, basis: 'quote' });
    let status: JobStatus<'image-generation'> = job;
    for (let poll = 0; poll < 10 && status.state !== 'failed'; poll++) {
      status = await client.getJob('image-generation', job);
    }
    expect(status.state).toBe('failed');
    expect(status.cost).toBeNull();
  });

  it('leaves chat, which reports tokens only, unknown rather than 0', async () => {
    const result = await client.run('chat-completion', {
      model: 'evolink:gpt-5.5',
      input: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.cost).toBeNull();
    expect(result.warnings.map((warning) => warning.code)).toContain('cost_unknown');
  });
});
