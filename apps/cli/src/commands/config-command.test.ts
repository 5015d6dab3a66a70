import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;

beforeAll(async () => {
  hf = await startFakeHf();
});
afterAll(() => hf.close());

describe('infermux config', () => {
  it('shows file + env resolution and never the token', async () => {
    const dir = tempDir();
    writeConfig(dir, {
      providers: {
        hf: { headers: { authorization: 'Bearer hf_secretHeader' } },
        local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', apiKey: 'sk-literal-secret' },
      },
    });
    const run = await runCli(['config', '--json'], {
      cwd: dir,
      env: { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url },
    });
    expect(run.code).toBe(0);
    for (const secret of [FAKE_HF_VALID_TOKEN, 'hf_secretHeader', 'sk-literal-secret'])
      expect(run.stdout).not.toContain(secret);
    const view = JSON.parse(run.stdout);
    expect(view.file).toMatch(/infermux\.config\.json$/);
    expect(view.providers.hf).toMatchObject({
      type: 'hf',
      baseURL: `${hf.url} (env HF_BASE_URL)`,
      apiKey: '•••••• (env HF_TOKEN)',
    });
    expect(view.providers.local).toMatchObject({
      type: 'openai-compatible',
      baseURL: 'http://127.0.0.1:9/v1 (config file)',
      apiKey: '•••••• (config file)',
    });
    expect(view.providers.hf.headers.authorization).toBe('••••••');
  });

  it('an invalid config names the field (exit 2)', async () => {
    const dir = tempDir();
    writeConfig(dir, { providers: { hf: { baseURL: 'not a url' } } });
    const run = await runCli(['config'], { cwd: dir });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/providers\.hf\.baseURL/);
  });
});
