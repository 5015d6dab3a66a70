import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;
let env: Record<string, string>;
let dir: string;
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

beforeAll(async () => {
  hf = await startFakeHf();
  env = { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL };
  dir = tempDir();
  writeConfig(dir, {
    providers: { hf: {} },
    prices: {
      version: 'ours-7',
      models: { 'hf:acme/own-model': { inputPerMillionTokens: 1, outputPerMillionTokens: 2 } },
    },
  });
});
afterAll(() => hf.close());

describe('infermux prices', () => {
  it('lists configured, catalogue and shipped prices with their sources, refreshing the catalogue', async () => {
    const run = await runCli(['prices', '--json'], { env, cwd: dir });
    expect(run.stderr).toBe('');
    const rows = JSON.parse(run.stdout) as Array<{ model: string; source: string; version: string; note: string }>;
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ model: 'hf:acme/own-model', source: 'config', version: 'ours-7' }),
        expect.objectContaining({
          model: `hf:${LLAMA}:novita`,
          source: 'catalogue',
          version: expect.stringMatching(/^hf-router-models@\d{4}-/),
        }),
        expect.objectContaining({
          model: 'hf:*',
          source: 'default',
          note: expect.stringContaining('https://huggingface.co/docs/inference-providers/pricing'),
        }),
      ]),
    );
    expect(hf.server.requests.filter((request) => request.path === '/v1/models')).toHaveLength(1);
  });

  it('names the source that prices a model, or unknown', async () => {
    const run = await runCli(['prices', `hf:${LLAMA}:together`, 'hf:acme/unlisted:groq', '--json'], { env, cwd: dir });
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({
        model: `hf:${LLAMA}:together`,
        source: 'catalogue',
        price: '0.18 USD per 1M input tokens, 0.18 USD per 1M output tokens',
      }),
      expect.objectContaining({ model: 'hf:acme/unlisted:groq', source: 'unknown' }),
    ]);
  });
});
