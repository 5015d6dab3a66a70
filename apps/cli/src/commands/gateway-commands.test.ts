import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { formatNumber } from '../output/format-number';
import { type CliOptions, hfEnv, runCli, spawnCli, tempDir, writeConfig } from '../test-support/cli-harness';

let hf: FakeHf;
let env: Record<string, string>;
let dir: string;
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

beforeAll(async () => {
  hf = await startFakeHf();
  env = hfEnv(hf);
  dir = tempDir();
  writeConfig(dir, {
    providers: { hf: {} },
    server: { ledger: { path: join(dir, 'gateway.sqlite') }, logging: { level: 'warn' } },
  });
});
afterAll(() => hf.close());

type Served = { url: string; server: ReturnType<typeof spawnCli>; output: () => string };

/** Starts `infermux serve` on a free port. */
function serve(options: CliOptions): Promise<Served> {
  const server = spawnCli(['serve', '--port', '0', '--host', '127.0.0.1'], options);
  let output = '';
  return new Promise<Served>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // The CLI's own line, printed once its signal handlers are set (the gateway's JSON log comes first).
      const match = /^infermux gateway listening on (http:\/\/\S+)$/m.exec(output);
      if (match) resolve({ url: match[1] as string, server, output: () => output });
    });
    server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)));
  });
}

async function stop(server: ReturnType<typeof spawnCli>): Promise<unknown> {
  const stopped = new Promise((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  return stopped;
}

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

    const { url, server } = await serve({ env, cwd: dir });
    const response = await fetch(`${url}/models/${SST2}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'I love it' }),
    });
    expect(response.status).toBe(200);
    // The HF wire nests text-classification results per input: [[{label, score}, …]].
    const body = (await response.json()) as unknown[];
    expect(body.flat()).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'POSITIVE' })]));
    expect(await stop(server)).toBe(0);

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

describe('the ledger location (shared by serve, keys and usage)', () => {
  it('serve and usage use the XDG default whatever the directory; usage says which ledger and rounds numbers', async () => {
    const dataHome = tempDir();
    const ledger = join(dataHome, 'infermux', 'gateway.sqlite');
    const xdgEnv = { ...env, XDG_DATA_HOME: dataHome };
    const { url, server } = await serve({ env: xdgEnv, cwd: tempDir() });
    const response = await fetch(`${url}/models/${SST2}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'I love it' }),
    });
    expect(response.status).toBe(200);
    expect(await stop(server)).toBe(0);
    expect(existsSync(ledger)).toBe(true);

    const elsewhere = tempDir();
    const json = await runCli(['usage', '--json'], { env: xdgEnv, cwd: elsewhere });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(`reading ledger ${ledger} (the default location)\n`);
    const [row] = JSON.parse(json.stdout) as Array<{ requests: number; averageLatencyMs: number }>;
    expect(row).toMatchObject({ requests: 1 });
    const table = await runCli(['usage'], { env: xdgEnv, cwd: elsewhere });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(formatNumber(row?.averageLatencyMs as number));
    // No float noise: never more than six significant digits after the point.
    expect(table.stdout).not.toMatch(/\d\.\d{7,}/);
    expect(existsSync(join(elsewhere, '.infermux'))).toBe(false);
  });

  it('a missing ledger is a clear not-found (exit 4), and reading it creates nothing', async () => {
    const dataHome = tempDir();
    const cwd = tempDir();
    const run = await runCli(['usage'], { env: { ...env, XDG_DATA_HOME: dataHome }, cwd });
    expect(run.code).toBe(exitCodes.notFound);
    expect(run.stderr).toContain(`error: No gateway ledger at ${join(dataHome, 'infermux', 'gateway.sqlite')}`);
    expect(existsSync(join(dataHome, 'infermux'))).toBe(false);
    expect(existsSync(join(cwd, '.infermux'))).toBe(false);
    const keys = await runCli(['keys', 'list'], { env: { ...env, XDG_DATA_HOME: dataHome }, cwd });
    expect(keys.code).toBe(exitCodes.notFound);
    expect(existsSync(join(dataHome, 'infermux'))).toBe(false);
  });

  it('still reads a ledger an earlier version left in ./.infermux/, and says so', async () => {
    const dataHome = tempDir();
    const cwd = tempDir();
    const xdgEnv = { ...env, XDG_DATA_HOME: dataHome };
    // A ledger made where the old default put it: created at the new default, then moved into the cwd.
    expect((await runCli(['keys', 'create', 'old', '--json'], { env: xdgEnv, cwd })).code).toBe(0);
    mkdirSync(join(cwd, '.infermux'));
    renameSync(join(dataHome, 'infermux', 'gateway.sqlite'), join(cwd, '.infermux', 'gateway.sqlite'));
    const run = await runCli(['keys', 'list'], { env: xdgEnv, cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('old');
    expect(run.stderr).toContain(
      `reading ledger ${join(cwd, '.infermux', 'gateway.sqlite')} (found in the working directory); the default is now ${join(dataHome, 'infermux', 'gateway.sqlite')}`,
    );
    // serve keeps writing to it too, and says so at start.
    const served = await serve({ env: xdgEnv, cwd });
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    expect(await stop(served.server)).toBe(0);
    expect(served.output()).toContain(`"ledger":"${join(cwd, '.infermux', 'gateway.sqlite')}"`);
    expect(served.output()).toMatch(/found in the working directory\); the default is now /);
    expect(existsSync(join(dataHome, 'infermux', 'gateway.sqlite'))).toBe(false);
  });
});
