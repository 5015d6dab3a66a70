import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverConfigSchema } from '@infermux/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../ledger/open-database';
import { KeyRegistry, REFRESH_INTERVAL_MS } from './key-registry';
import { KeyStore } from './key-store';

const directory = mkdtempSync(join(tmpdir(), 'infermux-registry-'));
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('KeyRegistry', () => {
  it("sees another process's revocation within REFRESH_INTERVAL_MS (< 1 s)", () => {
    const path = join(directory, 'keys.sqlite');
    const gatewayDatabase = openDatabase(path);
    const otherDatabase = openDatabase(path);
    const registry = new KeyRegistry(new KeyStore(gatewayDatabase), gatewayDatabase, serverConfigSchema.parse({}), {});
    const otherStore = new KeyStore(otherDatabase);
    const { id, key } = otherStore.create({ name: 'a' });
    const start = Date.now() + 10_000;
    registry.refresh(start);
    expect(registry.find(key)?.name).toBe('a');
    otherStore.revoke(id);
    registry.refresh(start + REFRESH_INTERVAL_MS);
    expect(registry.find(key)).toBeUndefined();
    expect(REFRESH_INTERVAL_MS).toBeLessThan(1000);
    gatewayDatabase.close();
    otherDatabase.close();
  });

  it('a revocation pushed from another replica is refused at once and stays refused across reloads', () => {
    const path = join(directory, 'pushed.sqlite');
    const database = openDatabase(path);
    const store = new KeyStore(database);
    const registry = new KeyRegistry(store, database, serverConfigSchema.parse({}), {});
    const { id, key } = store.create({ name: 'b' });
    registry.reload();
    expect(registry.find(key)?.name).toBe('b');
    // The other replica's store (not this one's) holds the revocation: only the message tells this replica.
    registry.forget(id);
    expect(registry.find(key)).toBeUndefined();
    registry.reload();
    expect(registry.find(key)).toBeUndefined();
    database.close();
  });
});
