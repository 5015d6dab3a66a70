import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeEvolink, redisForTests, startFakeEvolink, TEST_REDIS_URL } from '@infermux/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli, tempDir } from '../../test-support/cli-harness';
import { readJsonl } from '../../test-support/read-jsonl';

const redisUp = await redisForTests('the distributed batch tests');
const benchScript = new URL('../../../bench/distributed-batch.mjs', import.meta.url).pathname;

describe.skipIf(!redisUp)('distributed batch (batch --queue + worker, Redis)', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const uniquePrefix = () => {
    const prefix = `infermux-test-${process.pid}-${Date.now()}-${prefixes.length}`;
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('2k lines over 3 workers in native list calls, one SIGKILLed mid-way and restarted: every id exactly once, in order', async () => {
    const dir = tempDir();
    // The bench script at a small size: the same run the lead measures at 100k lines.
    const child = spawn(process.execPath, [benchScript, '--lines', '2000', '--dir', dir, '--timeout-ms', '50000']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ duplicates: 0, missing: 0, enqueuerExit: 0, outputLines: 2000 });
    expect(summary.workerKilledAtRecorded).toBeGreaterThanOrEqual(800);
    // Workers group their lines into native list calls (one call per line would be ≥ 1): ~1/16 measured
    // idle, with room for a loaded machine where fewer lines meet in the batching window.
    expect(summary.upstreamCallsPerItem).toBeLessThan(0.5);
    expect(code).toBe(0);
    // Read back independently of the script's own count.
    const ids = readJsonl(join(dir, 'out.jsonl')).map((record) => record.id);
    expect(ids).toEqual(Array.from({ length: 2000 }, (_, index) => `row-${index}`));
  }, 60_000);

  describe('async jobs', () => {
    const KEY = 'evo-queue-key';
    let evolink: FakeEvolink;
    let released = false;
    beforeAll(async () => {
      evolink = await startFakeEvolink({
        apiKey: KEY,
        behaviour: ({ prompt }) =>
          prompt.includes('[fail:')
            ? { outcome: 'fail', code: 'content_policy_violation', afterPolls: 1 }
            : { outcome: 'succeed', afterPolls: 1, when: () => released },
      });
    });
    afterAll(() => evolink.close());

    it('a worker killed while its jobs run: another waits on them, no job is submitted twice', async () => {
      const dir = tempDir();
      const prefix = uniquePrefix();
      const prompts = Array.from({ length: 12 }, (_, index) => (index === 5 ? 'bad [fail:policy]' : `image ${index}`));
      writeFileSync(
        join(dir, 'prompts.jsonl'),
        `${prompts.map((prompt, index) => JSON.stringify({ id: index + 1, prompt })).join('\n')}\n`,
      );
      const env = { EVOLINK_API_KEY: KEY, EVOLINK_BASE_URL: evolink.baseURL, INFERMUX_POLL_INTERVAL_MS: '20' };
      const queue = ['--queue', TEST_REDIS_URL, '--queue-prefix', prefix];
      const worker = () => spawnCli(['worker', ...queue, '-j', '4', '--stalled-ms', '1500'], { env, cwd: dir });
      const collector = runCli(
        ['batch', 'image-generation', 'prompts.jsonl', '-o', 'out.jsonl', '--model', 'evolink:z-image-turbo', ...queue],
        // Generous: two worker start-ups and a stalled-lock expiry, on a loaded 2-core CI box.
        { env, cwd: dir, timeoutMs: 100_000 },
      );
      const first = worker();
      const deadline = Date.now() + 15_000;
      while (evolink.count('POST', '/v1/images/generations') < 4 && Date.now() < deadline) await sleep(20);
      await sleep(200); // its 4 job ids are in Redis, the worker waits on them
      first.kill('SIGKILL');
      const second = worker();
      released = true;
      const result = await collector;
      second.kill('SIGTERM');
      expect(result.stderr).toMatch(/batch: 11 ok, 1 failed; wrote out.jsonl/);
      expect(result.code).toBe(7);
      const submitted = evolink.server.requests
        .filter((request) => request.method === 'POST' && request.path === '/v1/images/generations')
        .map((request) => request.json<{ prompt: string }>().prompt);
      expect([...submitted].sort()).toEqual([...prompts].sort());
      const ids = readJsonl(join(dir, 'out.jsonl')).map((record) => record.id);
      expect(ids).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]);
      expect(readJsonl(join(dir, 'out.jsonl.errors.jsonl'))).toEqual([
        expect.objectContaining({ id: 6, error: expect.objectContaining({ code: 'provider_job_failed' }) }),
      ]);
    }, 120_000);
  });
});
