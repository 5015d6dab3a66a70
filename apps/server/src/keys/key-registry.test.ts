import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfigSchema } from '@infermux/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../ledger/open-database';
import { KeyRegistry } from './key-registry';
import { REFRESH_INTERVAL_MS, SqliteKeyStore } from './sqlite-key-store';

const directory = mkdtempSync(join(tmpdir(), 'infermux-registry-'));
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('KeyRegistry', () => {
  it("sees another process's revocation within REFRESH_INTERVAL_MS (< 1 s)", async () => {
    const path = join(directory, 'keys.sqlite');
    const gatewayDatabase = openDatabase(path);
    const otherDatabase = openDatabase(path);
    const registry = new KeyRegistry(new SqliteKeyStore(gatewayDatabase), serverConfigSchema.parse({}), {});
    const otherStore = new SqliteKeyStore(otherDatabase);
    vi.useFakeTimers();
    try {
      await registry.start((error) => {
        throw error;
      });
      const { id, key } = await otherStore.create({ name: 'a' });
      expect(registry.find(key)).toBeUndefined();
      await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
      expect(registry.find(key)?.name).toBe('a');
      await otherStore.revoke(id);
      await vi.advanceTimersByTimeAsync(REFRESH_INTERVAL_MS);
      expect(registry.find(key)).toBeUndefined();
      expect(REFRESH_INTERVAL_MS).toBeLessThan(1000);
    } finally {
      vi.useRealTimers();
      await registry.stop();
      gatewayDatabase.close();
      otherDatabase.close();
    }
  });

  it('a revocation pushed from another replica is refused at once and stays refused across reloads', async () => {
    const path = join(directory, 'pushed.sqlite');
    const database = openDatabase(path);
    const store = new SqliteKeyStore(database);
    const registry = new KeyRegistry(store, serverConfigSchema.parse({}), {});
    const { id, key } = await store.create({ name: 'b' });
    await registry.reload();
    expect(registry.find(key)?.name).toBe('b');
    // The other replica's store (not this one's) holds the revocation: only the message tells this replica.
    registry.forget(id);
    expect(registry.find(key)).toBeUndefined();
    await registry.reload();
    expect(registry.find(key)).toBeUndefined();
    database.close();
  });
});
