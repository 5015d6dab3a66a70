import { InfermuxError, type PostgresLedgerLocation } from '@infermux/core';
import type { ClientConfig } from 'pg';
import type { GatewayStorage } from '../gateway-storage';
import { PostgresKeyStore } from './postgres-key-store';
import { PostgresLedgerStorage } from './postgres-ledger-storage';
import { migrate } from './postgres-migrations';

/**
 * The URL with `-c search_path=<schema>` appended to its `options` (pg lets the URL's parameters win over
 * separate settings, and the server keeps the last of repeated `-c`): the configured schema wins.
 */
function withSearchPath(url: string, schema: string | undefined): string {
  if (!schema) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('options', `${parsed.searchParams.get('options') ?? ''} -c search_path=${schema}`.trim());
  return parsed.toString();
}

/** A PostgreSQL error's SQLSTATE (`42P01`: a table that does not exist). */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Keys and ledger in PostgreSQL. `pg` is imported here, and this module only when PostgreSQL is configured,
 * so the embedded default never loads it. Unless `readOnly`, the schema is migrated first.
 */
export async function openPostgresStorage(
  location: PostgresLedgerLocation,
  options: { readOnly?: boolean; onError?: (error: unknown) => void } = {},
): Promise<GatewayStorage> {
  const { default: pg } = await import('pg');
  const onError = options.onError ?? (() => undefined);
  const config: ClientConfig = {
    connectionString: withSearchPath(location.url, location.schema),
    application_name: 'infermux',
    connectionTimeoutMillis: 10_000,
    // A peer that vanished without a FIN is noticed (TCP keep-alive), and no query waits for ever: a batch
    // that times out stays queued and is retried (at worst written twice if the server did commit it).
    keepAlive: true,
    query_timeout: 60_000,
  };
  const pool = new pg.Pool({ ...config, max: location.maxConnections });
  // An idle connection that dies (server restart) is reported here instead of crashing the process.
  pool.on('error', onError);
  try {
    const schema =
      location.schema ??
      (await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema')).rows[0]?.schema;
    if (!schema) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `${location.display}: the connection's search_path names no existing schema; create it or set server.ledger.postgres.schema.`,
        details: { field: 'server.ledger.postgres.schema' },
      });
    }
    if (options.readOnly) {
      const found = await pool.query<{ table: string | null }>("SELECT to_regclass('usage_ledger')::text AS table");
      if (!found.rows[0]?.table) {
        throw new InfermuxError({
          code: 'gateway_not_found',
          message: `No gateway ledger in ${location.display} (schema ${schema}): nothing has been recorded there. The gateway creates its tables on its first start with this database URL.`,
          details: { field: 'DATABASE_URL', schema },
        });
      }
    } else {
      await migrate(pool, schema);
    }
    const channel = `infermux_keys_${schema}`.slice(0, 63);
    return {
      location,
      keys: new PostgresKeyStore(pool, () => new pg.Client(config), channel, onError),
      ledger: new PostgresLedgerStorage(pool),
      async reachable() {
        try {
          await pool.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      close: () => pool.end(),
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (InfermuxError.isInstance(error)) throw error;
    throw new InfermuxError({
      code: 'gateway_internal',
      message: `Cannot open the PostgreSQL ledger at ${location.display}: ${(error as Error).message}${sqlState(error) ? ` (SQLSTATE ${sqlState(error)})` : ''}`,
      cause: error,
    });
  }
}
