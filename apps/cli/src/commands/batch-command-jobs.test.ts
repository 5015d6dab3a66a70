import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeEvolink, startFakeEvolink } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, spawnCli, tempDir } from '../test-support/cli-harness';
import { readJsonl } from '../test-support/read-jsonl';

const KEY = 'evo-batch-key';
let evolink: FakeEvolink;
let env: Record<string, string>;
/** Prompts containing "[held]" stay processing until a test lets them go. */
let released = true;

beforeAll(async () => {
  evolink = await startFakeEvolink({
    apiKey: KEY,
    behaviour: ({ prompt }) =>
      prompt.includes('[held]')
        ? { outcome: 'succeed', afterPolls: 1, when: () => released }
        : /\[fail:([a-z_]+)\]/.test(prompt)
          ? { outcome: 'fail', code: 'content_policy_violation', afterPolls: 2 }
          : { outcome: 'succeed', afterPolls: 2 },
  });
  env = { EVOLINK_API_KEY: KEY, EVOLINK_BASE_URL: evolink.baseURL, INFERMUX_POLL_INTERVAL_MS: '20' };
});
afterAll(() => evolink.close());

/** How many image submissions the fake received per prompt (a paid job submitted twice shows as 2). */
function submissionsByPrompt(since: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of evolink.server.requests.slice(since)) {
    if (request.method !== 'POST' || request.path !== '/v1/images/generations') continue;
    const prompt = request.json<{ prompt: string }>().prompt;
    counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
  }
  return counts;
}

function writePrompts(dir: string, prompts: readonly string[]): void {
  writeFileSync(
    join(dir, 'prompts.jsonl'),
    `${prompts.map((prompt, index) => JSON.stringify({ id: `p${index + 1}`, prompt })).join('\n')}\n`,
  );
}

const batch = (output: string, ...extra: string[]) => [
  'batch',
  'image-generation',
  'prompts.jsonl',
  '-o',
  output,
  '--model',
  'evolink:z-image-turbo',
  ...extra,
];

describe('infermux batch on async tasks (image-generation)', () => {
  it('submits each job once, records its id before waiting, and writes one record per line', async () => {
    const dir = tempDir();
    const since = evolink.server.requests.length;
    writePrompts(dir, ['a red fox', 'a blue whale', 'a cat [fail:content_policy]', 'a green field', 'a tall tower']);
    const run = await runCli(batch('out.jsonl', '-j', '2'), { env, cwd: dir });
    expect(run.code).toBe(exitCodes.partialBatch);
    expect(run.stderr).toMatch(/batch: 4 ok, 1 failed, 0 skipped/);
    const results = readJsonl(join(dir, 'out.jsonl'));
    expect(results.map((record) => record.id).sort()).toEqual(['p1', 'p2', 'p4', 'p5']);
    for (const record of results) {
      expect(record.job).toMatch(/^evolink:image-generation:task-unified-/);
      expect(JSON.stringify(record.output)).toContain(`${evolink.baseURL}/files/`);
    }
    const errors = readJsonl(join(dir, 'out.jsonl.errors.jsonl'));
    expect(errors).toEqual([expect.objectContaining({ id: 'p3', line: 3 })]);
    // The journal holds every job id; the failed job is released so a rerun can submit a new one.
    const journal = readJsonl(join(dir, 'out.jsonl.jobs.jsonl'));
    expect(journal.filter((record) => record.state === 'submitted')).toHaveLength(5);
    expect(journal.filter((record) => record.state === 'released').map((record) => record.id)).toEqual(['p3']);
    expect([...submissionsByPrompt(since).values()]).toEqual([1, 1, 1, 1, 1]);

    const again = await runCli(batch('out.jsonl'), { env, cwd: dir });
    expect(again.stderr).toMatch(/batch: 0 ok, 1 failed, 4 skipped/);
    // Only the failed line is submitted again (as a new job); finished ones are not.
    expect(submissionsByPrompt(since).get('a cat [fail:content_policy]')).toBe(2);
    expect(submissionsByPrompt(since).get('a red fox')).toBe(1);
  });

  it('-o DIR/ downloads each job’s files next to results.jsonl', async () => {
    const dir = tempDir();
    writePrompts(dir, ['one', 'two']);
    const run = await runCli(batch('images/'), { env, cwd: dir });
    expect(run.code).toBe(0);
    const results = readJsonl(join(dir, 'images/results.jsonl'));
    expect(results.map((record) => [record.id, record.files]).sort()).toEqual([
      ['p1', ['p1-1.png']],
      ['p2', ['p2-1.png']],
    ]);
    expect(readdirSync(join(dir, 'images')).sort()).toEqual([
      'errors.jsonl',
      'jobs.jsonl',
      'p1-1.png',
      'p2-1.png',
      'results.jsonl',
    ]);
    expect(readFileSync(join(dir, 'images/p1-1.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('killed with SIGKILL while jobs run, a rerun waits on them: each job submitted once, each id once', async () => {
    const dir = tempDir();
    const since = evolink.server.requests.length;
    const prompts = ['quick one', 'quick two', ...Array.from({ length: 6 }, (_, index) => `held ${index} [held]`)];
    writePrompts(dir, prompts);
    released = false;
    const child = spawnCli(batch('out.jsonl', '-j', '3'), { env, cwd: dir });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // Quiet point: the two quick lines are written and all three slots wait on held jobs whose ids are journaled.
    const submitted = () =>
      readJsonl(join(dir, 'out.jsonl.jobs.jsonl')).filter((record) => record.state === 'submitted');
    const deadline = Date.now() + 15_000;
    while ((readJsonl(join(dir, 'out.jsonl')).length < 2 || submitted().length < 5) && Date.now() < deadline)
      await sleep(20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(readJsonl(join(dir, 'out.jsonl'))).toHaveLength(2);
    expect(submitted()).toHaveLength(5);
    expect([...submissionsByPrompt(since).values()].reduce((sum, count) => sum + count, 0)).toBe(5);

    released = true;
    const resumed = await runCli(batch('out.jsonl', '-j', '3'), { env, cwd: dir, timeoutMs: 30_000 });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/batch: 6 ok, 0 failed, 2 skipped/);
    const submissions = submissionsByPrompt(since);
    expect(submissions.size).toBe(prompts.length);
    for (const prompt of prompts) expect(submissions.get(prompt)).toBe(1);
    const ids = readJsonl(join(dir, 'out.jsonl')).map((record) => record.id);
    expect([...ids].sort()).toEqual(prompts.map((_, index) => `p${index + 1}`).sort());
  });

  it('never resubmits a job whose submission outcome is unknown, unless asked', async () => {
    const dir = tempDir();
    const since = evolink.server.requests.length;
    writePrompts(dir, ['maybe started', 'fresh']);
    // What a run killed between "submitting" and the job id coming back leaves behind.
    writeFileSync(join(dir, 'out.jsonl.jobs.jsonl'), `${JSON.stringify({ id: 'p1', state: 'submitting' })}\n`);
    const run = await runCli(batch('out.jsonl'), { env, cwd: dir });
    expect(run.code).toBe(exitCodes.partialBatch);
    expect(run.stderr).toMatch(/1 jobs were being submitted when an earlier run stopped/);
    expect(submissionsByPrompt(since).get('maybe started')).toBeUndefined();
    expect(readJsonl(join(dir, 'out.jsonl.errors.jsonl'))).toEqual([
      expect.objectContaining({ id: 'p1', error: expect.objectContaining({ code: 'provider_job_failed' }) }),
    ]);
    const forced = await runCli(batch('out.jsonl', '--resubmit-unknown'), { env, cwd: dir });
    expect(forced.code).toBe(0);
    expect(submissionsByPrompt(since).get('maybe started')).toBe(1);
    expect(
      readJsonl(join(dir, 'out.jsonl'))
        .map((record) => record.id)
        .sort(),
    ).toEqual(['p1', 'p2']);
  });
});
