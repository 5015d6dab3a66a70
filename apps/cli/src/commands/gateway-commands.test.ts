import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, spawnCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;
let env: Record<string, string>;
let dir: string;
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

beforeAll(async () => {
  hf = await startFakeHf();
  env = { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL };
  dir = tempDir();
  writeConfig(dir, {
    providers: { hf: {} },
    server: { ledger: { path: join(dir, 'gateway.sqlite') }, logging: { level: 'warn' } },
  });
});
afterAll(() => hf.close());

describe('serve, keys and usage', () => {
  it('creates a key, serves a request with it, records usage, revokes the key', async () => {
    const created = await runCli(['keys', 'create', 'ci', '--rpm', '60', '--json'], { env, cwd: dir });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };

    const listed = await runCli(['keys', 'list'], { env, cwd: dir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    const server = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], { env, cwd: dir });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      server.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1] as string);
      });
      server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
    });
    const response = await fetch(`${url}/models/${SST2}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'I love it' }),
    });
    expect(response.status).toBe(200);
    // The HF wire nests text-classification results per input: [[{label, score}, …]].
    const body = (await response.json()) as unknown[];
    expect(body.flat()).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'POSITIVE' })]));
    const stopped = new Promise((resolve) => server.on('exit', resolve));
    server.kill('SIGTERM');
    expect(await stopped).toBe(0);

    const usage = await runCli(['usage', '--by', 'model', '--json'], { env, cwd: dir });
    expect(usage.code).toBe(0);
    // hf-inference on CPU has no published rate: its cost is unknown, not 0, and counted as such.
    expect(JSON.parse(usage.stdout)).toEqual([
      expect.objectContaining({
        group: expect.stringContaining(SST2),
        requests: 1,
        cost: null,
        unknownCostRequests: 1,
      }),
    ]);
    const table = await runCli(['usage', '--by', 'key'], { env, cwd: dir });
    expect(table.stdout).toMatch(/^group\s+requests/m);
    expect(table.stdout).toMatch(/^ci\s.*\bunknown\s+1\b/m);

    const revoked = await runCli(['keys', 'revoke', id], { env, cwd: dir });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`revoked ${id}\n`);
  });

  it('rejects a bad port as a usage error', async () => {
    const run = await runCli(['serve', '--port', 'eighty'], { env, cwd: dir });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/--port eighty: expected a port number/);
  });
});
