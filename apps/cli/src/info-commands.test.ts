import { taskIds } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeConfig } from './cli-harness.test-helper';
import { exitCodes } from './exit-codes';

let hf: FakeHf;

beforeAll(async () => {
  hf = await startFakeHf();
});
afterAll(() => hf.close());

describe('infermux --help', () => {
  it('lists every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['run', 'job', 'batch', 'tasks', 'config', 'doctor', 'serve', 'keys', 'usage'])
      expect(run.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
  });
});

describe('infermux tasks', () => {
  it('lists every task with its summary', async () => {
    const run = await runCli(['tasks']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(taskIds.length);
    expect(run.stdout).toMatch(/^text-classification\s+Label a text/m);
    expect(run.stdout).toMatch(/^video-generation .*\[async job\]/m);
  });

  it('shows one task’s schemas and example; --json is machine-readable', async () => {
    const run = await runCli(['tasks', 'text-classification']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Input schema/);
    expect(run.stdout).toMatch(/top_k/);
    const json = JSON.parse((await runCli(['tasks', 'image-classification', '--json'])).stdout);
    expect(json.input.properties.inputs.description).toMatch(/@path/);
    expect(json.example.input.inputs).toMatch(/^https:/);
  });

  it('an unknown task exits 2', async () => {
    const run = await runCli(['tasks', 'summarisation']);
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/did you mean "summarization"/);
  });
});

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
