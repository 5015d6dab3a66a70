import { existsSync } from 'node:fs';
import { InfermuxError, LEDGER_PATH_ENV, type LedgerLocation } from '@infermux/core';
import Database from 'better-sqlite3';
import type { GatewayDatabase } from './open-database';

/**
 * Opens an existing ledger for reading only (`infermux usage`, `keys list`): a read never
 * creates a file, a directory or a table. A missing ledger is `gateway_not_found`, saying where it looked.
 */
export function openLedgerReadOnly(location: LedgerLocation): GatewayDatabase {
  if (location.path === ':memory:' || !existsSync(location.path)) {
    throw new InfermuxError({
      code: 'gateway_not_found',
      message: `No gateway ledger at ${location.path}: nothing has been recorded there. The gateway creates it on its first start (infermux serve); to read another one, set server.ledger.path or ${LEDGER_PATH_ENV}`,
      details: { field: 'server.ledger.path', path: location.path, source: location.source },
    });
  }
  const database = new Database(location.path, { readonly: true, fileMustExist: true });
  // The gateway may be writing (WAL): wait for its commit rather than fail.
  database.pragma('busy_timeout = 5000');
  return database;
}
