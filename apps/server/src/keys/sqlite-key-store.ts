import type { GatewayDatabase } from '../ledger/open-database';
import type { CreateKeyOptions, GatewayKey } from './gateway-key';
import {
  type CreatedKey,
  KEY_COLUMNS,
  type KeyRow,
  type KeyStore,
  keyFromRow,
  newKeyRow,
  revokedKey,
  type StoredKey,
  withoutHash,
} from './key-store';

/** A `data_version` pragma costs microseconds; 4 a second keeps revocation by another process well under 1 s. */
export const REFRESH_INTERVAL_MS = 250;

/** Keys in the gateway's SQLite file. */
export class SqliteKeyStore implements KeyStore {
  constructor(private readonly database: GatewayDatabase) {}

  async create(options: CreateKeyOptions): Promise<CreatedKey> {
    const { values, created } = newKeyRow(options);
    this.database
      .prepare(`INSERT INTO gateway_keys (${KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(...values);
    return created;
  }

  async list(): Promise<GatewayKey[]> {
    const rows = this.database.prepare('SELECT * FROM gateway_keys ORDER BY created_at').all() as KeyRow[];
    return rows.map((row) => withoutHash(keyFromRow(row)));
  }

  async active(): Promise<StoredKey[]> {
    const rows = this.database.prepare('SELECT * FROM gateway_keys WHERE revoked_at IS NULL').all() as KeyRow[];
    return rows.map(keyFromRow);
  }

  async revoke(id: string): Promise<GatewayKey> {
    const result = this.database
      .prepare('UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(Date.now(), id);
    const row = this.database.prepare('SELECT * FROM gateway_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return revokedKey(id, row, result.changes);
  }

  /**
   * Another process (`infermux keys create/revoke`) may change the file: its `data_version` says when,
   * checked every `REFRESH_INTERVAL_MS` — the documented bound for such a revocation to take effect.
   */
  async watch(onChange: () => void): Promise<() => Promise<void>> {
    let version = this.dataVersion();
    const timer = setInterval(() => {
      const next = this.dataVersion();
      if (next === version) return;
      version = next;
      onChange();
    }, REFRESH_INTERVAL_MS);
    timer.unref();
    return async () => clearInterval(timer);
  }

  private dataVersion(): number {
    return this.database.pragma('data_version', { simple: true }) as number;
  }
}
