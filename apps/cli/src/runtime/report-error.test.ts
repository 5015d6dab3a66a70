import { type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { hfEnv, runCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;
let env: Record<string, string>;
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

beforeAll(async () => {
  hf = await startFakeHf();
  env = hfEnv(hf);
});
afterAll(() => hf.close());

/** Every error is one line on stderr: what went wrong and what to do. */
function expectOneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0] as string;
}

describe('errors: one line and a documented exit code', () => {
  it('a missing token names the variable to set (exit 3)', async () => {
    const run = await runCli(['run', 'text-classification', '--model', SST2, 'hi'], {
      env: { HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL },
    });
    expect(run.code).toBe(exitCodes.auth);
    expect(expectOneLine(run.stderr)).toMatch(/HF_TOKEN/);
    expect(run.stdout).toBe('');
  });

  it('--verbose adds the code and details', async () => {
    const run = await runCli(['--verbose', 'run', 'text-classification', '--model', SST2, 'hi'], {
      env: { HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL },
    });
    expect(run.code).toBe(exitCodes.auth);
    expect(run.stderr).toMatch(/code: auth_missing_credentials/);
    expect(run.stderr).toMatch(/provider: hf/);
  });

  it('an unknown task suggests the closest one (exit 2)', async () => {
    const run = await runCli(['run', 'text-clasification', '--model', SST2, 'hi'], { env });
    expect(run.code).toBe(exitCodes.usage);
    expect(expectOneLine(run.stderr)).toBe(
      'error: Unknown task "text-clasification" (did you mean "text-classification"?). Run `infermux tasks` for the list.',
    );
    expect(hf.server.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
  });

  it('a common alias gets a suggestion: run sentiment → text-classification (exit 2), before any call', async () => {
    const before = hf.server.requestCount;
    for (const args of [
      ['run', 'sentiment', '--model', SST2, 'I love it'],
      ['run', 'sentiment', '--model', SST2],
    ]) {
      const run = await runCli(args, { env });
      expect(run.code).toBe(exitCodes.usage);
      expect(expectOneLine(run.stderr)).toBe(
        'error: Unknown task "sentiment" (did you mean "text-classification"?). Run `infermux tasks` for the list.',
      );
    }
    expect(hf.server.requestCount).toBe(before);
  });

  it('every error starts with one prefix, "error:", whoever raised it (commander, core, the CLI)', async () => {
    const runs = await Promise.all([
      runCli(['run', 'text-classification', '--modle', SST2, 'hi'], { env }),
      runCli(['job', 'status'], { env }),
      runCli(['--config', 'missing.yaml', 'config'], { env }),
      runCli(['job', 'status', 'bare-id'], { env }),
      runCli(['tasks', 'embeddings'], { env }),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(exitCodes.usage);
      expect(run.stderr).toMatch(/^error: /);
      expect(run.stderr).not.toMatch(/^(Error|ERROR|infermux):/m);
    }
  });

  it('a parameter that does not fit the schema names the flag (exit 2), before any call', async () => {
    const before = hf.server.requestCount;
    const run = await runCli(['run', 'text-classification', '--model', SST2, '-p', 'top_k=many', 'hi'], { env });
    expect(run.code).toBe(exitCodes.usage);
    expect(expectOneLine(run.stderr)).toMatch(/--param top_k=many: expected a number/);
    const negative = await runCli(['run', 'text-classification', '--model', SST2, '-p', 'top_k=-2', 'hi'], { env });
    expect(negative.code).toBe(exitCodes.usage);
    expect(expectOneLine(negative.stderr)).toMatch(
      /--param top_k=-2: .*≥ 1|--param top_k=-2: .*positive|--param top_k=-2:/,
    );
    const unknown = await runCli(['run', 'text-classification', '--model', SST2, '-p', 'temperature=2', 'hi'], { env });
    expect(expectOneLine(unknown.stderr)).toMatch(
      /--param temperature: unknown parameter for this task; known: function_to_apply, top_k/,
    );
    expect(hf.server.requestCount).toBe(before);
  });

  it('a 429 says when to retry (exit 5)', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: {} }, retry: { maxAttempts: 1 } });
    hf.server.fault(`POST /hf-inference/models/${SST2}`, {
      kind: 'status',
      status: 429,
      body: { error: 'Model is overloaded', error_type: 'overloaded' },
      headers: { 'retry-after': '30' },
    });
    const run = await runCli(['run', 'text-classification', '--model', SST2, 'hi'], { env, cwd: dir });
    expect(run.code).toBe(exitCodes.rateLimited);
    expect(expectOneLine(run.stderr)).toMatch(/429.*Retry in 30s/);
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const run = await runCli(['run', 'text-classification', '--modle', SST2, 'hi'], { env });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/unknown option '--modle'/);
  });

  it('an unknown model is not found (exit 4)', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: {} }, retry: { maxAttempts: 1 } });
    const run = await runCli(['run', 'text-classification', '--model', 'nobody/nothing', 'hi'], { env, cwd: dir });
    expect(run.code).toBe(exitCodes.notFound);
    expectOneLine(run.stderr);
  });
});
