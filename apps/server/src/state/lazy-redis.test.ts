import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnGateway } from '../test-support/gateway-process';
import { uniqueStatePrefix } from '../test-support/redis-state-fixture';

const directory = mkdtempSync(join(tmpdir(), 'infermux-lazy-redis-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Starts the built gateway with Node's module loading traced, and says whether ioredis was loaded. */
async function loadsIoredis(server: Record<string, unknown>): Promise<boolean> {
  const configPath = join(directory, `${uniqueStatePrefix()}.json`);
  writeFileSync(configPath, JSON.stringify({ server: { ledger: { path: ':memory:' }, ...server } }));
  const gateway = await spawnGateway({ cwd: directory, configPath, env: { NODE_DEBUG: 'module' } });
  gateway.child.kill('SIGTERM');
  await gateway.exited;
  return /node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?ioredis[\\/]/.test(gateway.output());
}

describe('ioredis is loaded only when state.redis is set', () => {
  it('the embedded default never loads it; state.redis does (even with Redis down: the start is not refused)', async () => {
    expect(await loadsIoredis({})).toBe(false);
    // A port nothing listens on: the gateway starts anyway, under state.onUnavailable.
    expect(await loadsIoredis({ state: { redis: 'redis://127.0.0.1:1', keyPrefix: uniqueStatePrefix() } })).toBe(true);
  }, 60_000);
});
