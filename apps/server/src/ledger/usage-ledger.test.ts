import { describe, expect, it } from 'vitest';
import type { LedgerRow } from './ledger-row';
import { openDatabase } from './open-database';
import { SqliteLedgerStorage } from './sqlite-ledger-storage';
import { UsageLedger } from './usage-ledger';

const row = (requestId: string) => ({
  requestId,
  ts: Date.now(),
  endpoint: '/v1/chat/completions',
  attempts: 1,
  status: 200,
  latencyMs: 5,
  overheadMs: 0.2,
  streamed: false,
  cached: false,
});

describe('UsageLedger', () => {
  it('keeps rows when a commit fails and writes them once the database accepts writes again', async () => {
    const database = openDatabase(':memory:');
    const ledger = new UsageLedger(new SqliteLedgerStorage(database), 0);
    const failures: number[] = [];
    ledger.onError = (_error, dropped) => failures.push(dropped);
    database.exec('ALTER TABLE usage_ledger RENAME TO usage_ledger_away');
    ledger.record(row('req_a'));
    await ledger.flush();
    expect(failures).toEqual([0, 0]);
    expect(ledger.pending).toBe(1);
    database.exec('ALTER TABLE usage_ledger_away RENAME TO usage_ledger');
    ledger.record(row('req_b'));
    await ledger.flush();
    expect(ledger.pending).toBe(0);
    expect(database.prepare('SELECT request_id FROM usage_ledger ORDER BY request_id').all()).toEqual([
      { request_id: 'req_a' },
      { request_id: 'req_b' },
    ]);
    database.close();
  });

  it('writes one batch at a time; rows recorded meanwhile form the next, and recordCommitted resolves with its batch', async () => {
    const batches: string[][] = [];
    let release: (() => void) | undefined;
    const ledger = new UsageLedger(
      {
        write: (rows: readonly LedgerRow[]) => {
          batches.push(rows.map((item) => item.requestId));
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
        spentSince: async () => 0,
        summary: async () => [],
      },
      10,
    );
    ledger.record(row('a'));
    const flushed = ledger.flush();
    let committed = false;
    const waiting = ledger.recordCommitted(row('b')).then(() => (committed = true));
    ledger.record(row('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a']]);
    expect(ledger.pending).toBe(3);
    release?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['a'], ['b', 'c']]);
    expect(committed).toBe(false);
    release?.();
    await Promise.all([flushed, waiting]);
    expect(committed).toBe(true);
    expect(ledger.pending).toBe(0);
  });

  it('summarises by key, model and day', async () => {
    const database = openDatabase(':memory:');
    const ledger = new UsageLedger(new SqliteLedgerStorage(database), 0);
    ledger.record({
      ...row('1'),
      keyId: 'k1',
      keyName: 'alpha',
      model: 'm1',
      cost: 0.25,
      usage: { inputTokens: 3, outputTokens: 4 },
    });
    ledger.record({
      ...row('2'),
      keyId: 'k1',
      keyName: 'alpha',
      model: 'm2',
      cost: 0.5,
      status: 502,
      errorCode: 'provider_server_error',
    });
    ledger.record({ ...row('3'), keyId: 'k2', keyName: 'beta', model: 'm1' });
    expect(
      (await ledger.summary({ by: 'key' })).map(({ group, requests, errors, cost, inputTokens }) => ({
        group,
        requests,
        errors,
        cost,
        inputTokens,
      })),
    ).toEqual([
      { group: 'alpha', requests: 2, errors: 1, cost: 0.75, inputTokens: 3 },
      { group: 'beta', requests: 1, errors: 0, cost: 0, inputTokens: 0 },
    ]);
    expect((await ledger.summary({ by: 'model', keyId: 'k1' })).map((item) => item.group)).toEqual(['m1', 'm2']);
    expect(await ledger.summary({ by: 'day' })).toHaveLength(1);
    expect(await ledger.spentSince('k1', 0)).toBeCloseTo(0.75);
    database.close();
  });
});
