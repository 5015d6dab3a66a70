import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerRow } from './ledger-row';
import { openDatabase } from './open-database';
import { SqliteLedgerStorage } from './sqlite-ledger-storage';
import { WalCheckpointer } from './wal-checkpointer';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'infermux-checkpoint-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

let next = 0;
const row = (): LedgerRow => ({
  requestId: `req_${(next++).toString(16).padStart(32, '0')}`,
  ts: Date.now(),
  keyId: 'config:bench',
  keyName: 'bench',
  endpoint: '/v1/chat/completions',
  route: 'bench-chat',
  task: 'chat-completion',
  provider: 'bench',
  model: 'gpt-4o-mini',
  attempts: 1,
  usage: { inputTokens: 12, outputTokens: 10, totalTokens: 22 },
  cost: 0.0000078,
  currency: 'USD',
  costSource: 'config',
  status: 200,
  latencyMs: 60.5,
  overheadMs: 0.3,
  streamed: false,
  cached: false,
});

const walFrames = (database: ReturnType<typeof openDatabase>) =>
  (database.pragma('wal_checkpoint(NOOP)') as Array<{ log: number }>)[0]?.log ?? 0;

const until = async (done: () => boolean) => {
  for (let tries = 0; tries < 300 && !done(); tries++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('WalCheckpointer', () => {
  it('checkpoints in its worker, so the commits never have to: the WAL stays short with autocheckpoint off', async () => {
    const path = join(directory, 'g.sqlite');
    const database = openDatabase(path);
    // Only the worker can keep the WAL short now (with it, the connection would checkpoint past 1000 frames).
    database.pragma('wal_autocheckpoint = 0');
    const checkpointer = new WalCheckpointer(path);
    const storage = new SqliteLedgerStorage(database, checkpointer);
    let longest = 0;
    for (let batch = 0; batch < 120; batch++) {
      storage.write(Array.from({ length: 100 }, row));
      longest = Math.max(longest, walFrames(database));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(checkpointer.running).toBe(true);
    expect(checkpointer.checkpoints).toBeGreaterThan(0);
    // 120 batches write well over 2000 frames; restarted after each checkpoint, the WAL stays near 500.
    expect(longest).toBeLessThan(1500);
    expect((database.prepare('SELECT COUNT(*) AS n FROM usage_ledger').get() as { n: number }).n).toBe(12_000);
    await checkpointer.close();
    expect(checkpointer.running).toBe(false);
    database.close();
    // The worker's connection closed first: the gateway's was the last, which checkpoints and removes the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
  }, 20_000);

  it('starts no worker for a few rows (a CLI run, a quiet gateway)', async () => {
    const path = join(directory, 'g.sqlite');
    const database = openDatabase(path);
    const checkpointer = new WalCheckpointer(path);
    const storage = new SqliteLedgerStorage(database, checkpointer);
    for (let batch = 0; batch < 10; batch++) storage.write([row(), row()]);
    expect(checkpointer.running).toBe(false);
    await checkpointer.close();
    database.close();
  });

  it('a worker that cannot open the file leaves the checkpoints to the connection, and is not started again', async () => {
    const checkpointer = new WalCheckpointer(join(directory, 'missing.sqlite'));
    checkpointer.committed(1000);
    expect(checkpointer.running).toBe(true);
    await until(() => !checkpointer.running);
    expect(checkpointer.running).toBe(false);
    checkpointer.committed(1000);
    expect(checkpointer.running).toBe(false);
    expect(checkpointer.checkpoints).toBe(0);
    await checkpointer.close();
  });
});
