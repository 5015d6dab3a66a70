import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { nativeModuleError } from './native-module-error';

export type GatewayDatabase = Database.Database;

const migrations = [
  `CREATE TABLE IF NOT EXISTS gateway_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     key_hash TEXT NOT NULL UNIQUE,
     key_prefix TEXT NOT NULL,
     allowed_models TEXT,
     allowed_routes TEXT,
     rpm INTEGER,
     tpm INTEGER,
     budget_amount REAL,
     budget_period TEXT,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   )`,
  `CREATE TABLE IF NOT EXISTS usage_ledger (
     request_id TEXT NOT NULL,
     ts INTEGER NOT NULL,
     key_id TEXT,
     key_name TEXT,
     endpoint TEXT NOT NULL,
     route TEXT,
     task TEXT,
     provider TEXT,
     model TEXT,
     attempts INTEGER NOT NULL,
     input_tokens INTEGER,
     output_tokens INTEGER,
     total_tokens INTEGER,
     usage_json TEXT,
     cost REAL,
     currency TEXT,
     status INTEGER NOT NULL,
     error_code TEXT,
     latency_ms REAL NOT NULL,
     overhead_ms REAL NOT NULL,
     streamed INTEGER NOT NULL,
     cached INTEGER NOT NULL
   )`,
  'CREATE INDEX IF NOT EXISTS usage_ledger_ts ON usage_ledger (ts)',
  'CREATE INDEX IF NOT EXISTS usage_ledger_key_ts ON usage_ledger (key_id, ts)',
];

/** Columns added after the table was first shipped: added to an older file in place (SQLite has no ADD COLUMN IF NOT EXISTS). */
const addedColumns = [{ table: 'usage_ledger', column: 'cost_source', type: 'TEXT' }];

function addMissingColumns(database: GatewayDatabase): void {
  for (const { table, column, type } of addedColumns) {
    const columns = database.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
    if (!columns.some((existing) => existing.name === column))
      database.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }
}

/**
 * Opens (creating if needed) the gateway's SQLite file in WAL mode: readers never block
 * the writer, and a committed transaction survives a crash of the process.
 */
export function openDatabase(path: string): GatewayDatabase {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  let database: GatewayDatabase;
  try {
    database = new Database(path);
  } catch (error) {
    throw nativeModuleError(error) ?? error;
  }
  database.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit is in the WAL file before it returns (safe against a process
  // crash); only an OS crash or power loss can lose the last commits. FULL would fsync each batch.
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  for (const statement of migrations) database.exec(statement);
  addMissingColumns(database);
  return database;
}
