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
});
