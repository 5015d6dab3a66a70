import {
  type LedgerLocation,
  type PostgresLedgerLocation,
  resolveLedgerLocation,
  resolvePostgresLedger,
  type ServerConfig,
} from '@infermux/core';
import type { KeyStore } from './keys/key-store';
import { SqliteKeyStore } from './keys/sqlite-key-store';
import type { LedgerStorage } from './ledger/ledger-storage';
import { openDatabase } from './ledger/open-database';
import { openLedgerReadOnly } from './ledger/open-ledger-read-only';
import { SqliteLedgerStorage } from './ledger/sqlite-ledger-storage';
import { WalCheckpointer } from './ledger/wal-checkpointer';

/** Where the gateway keeps its keys and ledger: the SQLite file (default) or PostgreSQL. */
export interface GatewayStorage {
  location: LedgerLocation | PostgresLedgerLocation;
  keys: KeyStore;
  ledger: LedgerStorage;
  /** Can the ledger be written? (for /readyz) */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenGatewayStorageOptions {
  settings: ServerConfig;
  /** Where `DATABASE_URL`, `INFERMUX_LEDGER_PATH` and `XDG_DATA_HOME` are read. */
  env?: NodeJS.ProcessEnv;
  /** A PostgreSQL URL given on the command line (`--database-url`): wins over the env and the config. */
  databaseUrl?: string;
  /** Reads only (`usage`, `keys list`): never creates a ledger; a missing one is `gateway_not_found`. */
  readOnly?: boolean;
  /** A PostgreSQL connection lost while running (the pool replaces it). */
  onError?: (error: unknown) => void;
}

/**
 * Opens the keys and ledger that `serve`, `keys` and `usage` share: PostgreSQL when a URL is configured
 * (`resolvePostgresLedger`), else the SQLite file (`resolveLedgerLocation`). The PostgreSQL code, and `pg`
 * with it, is imported only in the first case.
 */
export async function openGatewayStorage(options: OpenGatewayStorageOptions): Promise<GatewayStorage> {
  const postgres = resolvePostgresLedger({
    configured: options.settings.ledger.postgres,
    env: options.env,
    databaseUrl: options.databaseUrl,
  });
  if (postgres) {
    const { openPostgresStorage } = await import('./postgres/postgres-storage');
    return openPostgresStorage(postgres, options);
  }
  const location = resolveLedgerLocation({ configured: options.settings.ledger.path, env: options.env });
  const database = options.readOnly ? openLedgerReadOnly(location) : openDatabase(location.path);
  const checkpointer =
    options.readOnly || location.path === ':memory:' ? undefined : new WalCheckpointer(location.path);
  return {
    location,
    keys: new SqliteKeyStore(database),
    ledger: new SqliteLedgerStorage(database, checkpointer),
    async reachable() {
      try {
        database.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpointer?.close();
      database.close();
    },
  };
}
