import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { getTask } from '@infermux/core';
import { type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { hfEnv, runCli, spawnCli, tempDir } from '../test-support/cli-harness';
import { readJsonl } from '../test-support/read-jsonl';

let hf: FakeHf;
let env: Record<string, string>;
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const texts = ['I love it', 'this is terrible', 'great stuff', 'not good at all', 'amazing work'];

beforeAll(async () => {
  hf = await startFakeHf();
  env = hfEnv(hf);
});
afterAll(() => hf.close());

function writeInput(dir: string, count: number): string {
  const path = join(dir, 'in.jsonl');
  writeFileSync(
    path,
    `${Array.from({ length: count }, (_, index) =>
      JSON.stringify({ id: `row-${index + 1}`, inputs: texts[index % texts.length] }),
    ).join('\n')}\n`,
  );
  return path;
}

describe('infermux batch', () => {
  it('writes one record per line, failures to the errors file, and exits 7 for a partial batch', async () => {
    const dir = tempDir();
    const lines = [
      JSON.stringify({ id: 'a', inputs: 'I love it' }),
      JSON.stringify('a plain string line gets its line number as id'),
      '',
      JSON.stringify({ id: 'bad', inputs: 42 }),
      'not json',
      JSON.stringify({ inputs: 'no id here', parameters: { top_k: 1 } }),
    ];
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const run = await runCli(
      ['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2, '-j', '2'],
      { env, cwd: dir },
    );
    expect(run.code).toBe(exitCodes.partialBatch);
    expect(run.stderr).toMatch(/batch: 3 ok, 2 failed, 0 skipped/);
    const results = readJsonl(join(dir, 'out.jsonl'));
    expect(results.map((record) => record.id).sort()).toEqual([2, 6, 'a'].sort());
    for (const record of results) getTask('text-classification').output.parse(record.output);
    expect((results.find((record) => record.id === 6)!.output as unknown[]).length).toBe(1);
    const errors = readJsonl(join(dir, 'out.jsonl.errors.jsonl'));
    expect(errors.map((record) => [record.id, (record.error as { code: string }).code]).sort()).toEqual([
      [5, 'caller_invalid_input'],
      ['bad', 'caller_invalid_input'],
    ]);
    // Rerun: finished lines are skipped, the failed ones run again (and fail again).
    const again = await runCli(['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2], {
      env,
      cwd: dir,
    });
    expect(again.code).toBe(exitCodes.partialBatch);
    expect(again.stderr).toMatch(/batch: 0 ok, 2 failed, 3 skipped/);
    expect(readJsonl(join(dir, 'out.jsonl'))).toHaveLength(3);
    expect(readJsonl(join(dir, 'out.jsonl.errors.jsonl'))).toHaveLength(2);
  });

  it('a batch killed with SIGKILL mid-way resumes: each id exactly once, nothing lost', async () => {
    const dir = tempDir();
    const total = 300;
    writeInput(dir, total);
    const output = join(dir, 'out.jsonl');
    const slow = hf.server.fault(
      `POST /hf-inference/models/${SST2}`,
      { kind: 'delay-headers', ms: 25 },
      { times: Number.POSITIVE_INFINITY },
    );
    const child = spawnCli(
      ['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2, '-j', '4'],
      { env, cwd: dir },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 10_000;
    while (readJsonl(output).length < 40 && Date.now() < deadline) await sleep(20);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    slow.cancel();
    const before = readJsonl(output);
    expect(before.length).toBeGreaterThanOrEqual(40);
    expect(before.length).toBeLessThan(total);
    // A torn write from the crash: the resume must cut it and run that line again.
    appendFileSync(output, '{"id":"row-999","output":[{"label":"POS');

    const resumed = await runCli(
      ['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2, '-j', '8'],
      { env, cwd: dir, timeoutMs: 30_000 },
    );
    expect(resumed.stderr).toMatch(/dropped a partial last line/);
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${before.length} lines already in out.jsonl`));
    expect(resumed.code).toBe(0);
    const ids = readJsonl(output).map((record) => record.id);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect([...ids].sort()).toEqual(Array.from({ length: total }, (_, index) => `row-${index + 1}`).sort());
  });

  it('counts the retries its lines needed (a 429 twice, then answers)', async () => {
    const dir = tempDir();
    writeInput(dir, 5);
    const limited = hf.server.fault(
      `POST /hf-inference/models/${SST2}`,
      { kind: 'status', status: 429, body: { error: 'Rate limit reached' }, headers: { 'retry-after': '0' } },
      { times: 2 },
    );
    const run = await runCli(
      ['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2, '-j', '1', '--retries', '3'],
      { env, cwd: dir },
    );
    limited.cancel();
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/batch: 5 ok, 0 failed, 0 skipped \(already done\), 2 retries/);
    expect(readJsonl(join(dir, 'out.jsonl'))).toHaveLength(5);
  });

  it('stops at a fatal error (no token) instead of failing every line, and says how to resume', async () => {
    const dir = tempDir();
    writeInput(dir, 20);
    const run = await runCli(['batch', 'text-classification', 'in.jsonl', '-o', 'out.jsonl', '--model', SST2], {
      env: { HF_BASE_URL: hf.url },
      cwd: dir,
    });
    expect(run.code).toBe(exitCodes.auth);
    expect(run.stderr).toMatch(/HF_TOKEN.*rerun the same command/i);
    expect(readJsonl(join(dir, 'out.jsonl.errors.jsonl'))).toHaveLength(0);
  });
});
