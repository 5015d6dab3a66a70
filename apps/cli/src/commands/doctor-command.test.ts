import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;

beforeAll(async () => {
  hf = await startFakeHf();
});
afterAll(() => hf.close());

describe('infermux doctor', () => {
  it('passes with a token and a reachable endpoint', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: {} } });
    const run = await runCli(['doctor'], { cwd: dir, env: { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url } });
    expect(run.stdout).toMatch(/✓ hf: token present \(env HF_TOKEN\)/);
    expect(run.stdout).toMatch(/✓ hf: 127\.0\.0\.1:\d+ reachable/);
    expect(run.stdout).not.toContain(FAKE_HF_VALID_TOKEN);
    expect(run.code).toBe(0);
  });

  it('fails with advice when the token is missing and the endpoint is down', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: { baseURL: 'http://127.0.0.1:9' } } });
    const run = await runCli(['doctor'], { cwd: dir });
    expect(run.code).toBe(exitCodes.failure);
    expect(run.stdout).toMatch(/✗ hf: no token\n\s+→ export HF_TOKEN=/);
    expect(run.stdout).toMatch(/✗ hf: cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
