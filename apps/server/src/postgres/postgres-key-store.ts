import type { Client, Pool } from 'pg';
import type { CreateKeyOptions, GatewayKey } from '../keys/gateway-key';
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
} from '../keys/key-store';
import { quoteIdentifier } from './postgres-migrations';

/** How long a lost LISTEN connection waits before trying again (then the keys are reloaded: notices may be missed). */
const RELISTEN_DELAY_MS = 1000;

/**
 * Keys of every replica in one PostgreSQL table. A change commits together with a NOTIFY on `channel`
 * (one statement: the notice goes out if and only if the change commits); every replica LISTENs and
 * reloads its in-memory keys at once, so a key revoked on one replica is refused by all within a round trip.
 */
export class PostgresKeyStore implements KeyStore {
  constructor(
    private readonly pool: Pool,
    /** A new client for LISTEN, outside the pool (it holds its connection for as long as the gateway runs). */
    private readonly listenClient: () => Client,
    private readonly channel: string,
    private readonly onListenError: (error: unknown) => void,
  ) {}

  async create(options: CreateKeyOptions): Promise<CreatedKey> {
    const { values, created } = newKeyRow(options);
    const placeholders = values.map((_value, index) => `$${index + 1}`).join(', ');
    await this.pool.query(
      `WITH created AS (INSERT INTO gateway_keys (${KEY_COLUMNS}) VALUES (${placeholders}) RETURNING id)
       SELECT pg_notify($${values.length + 1}, id) FROM created`,
      [...values, this.channel],
    );
    return created;
  }

  async list(): Promise<GatewayKey[]> {
    const result = await this.pool.query<KeyRow>('SELECT * FROM gateway_keys ORDER BY created_at, id');
    return result.rows.map((row) => withoutHash(keyFromRow(row)));
  }

  async active(): Promise<StoredKey[]> {
    const result = await this.pool.query<KeyRow>('SELECT * FROM gateway_keys WHERE revoked_at IS NULL');
    return result.rows.map(keyFromRow);
  }

  async revoke(id: string): Promise<GatewayKey> {
    const revoked = await this.pool.query(
      `WITH revoked AS (UPDATE gateway_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id)
       SELECT pg_notify($3, id) FROM revoked`,
      [Date.now(), id, this.channel],
    );
    const row = (await this.pool.query<KeyRow>('SELECT * FROM gateway_keys WHERE id = $1', [id])).rows[0];
    return revokedKey(id, row, revoked.rowCount ?? 0);
  }

  /**
   * LISTENs on a dedicated connection. A lost connection is reopened after `RELISTEN_DELAY_MS`, then
   * `onChange` runs once: notices sent while it was away are gone, so the keys are reloaded whole.
   */
  async watch(onChange: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const listen = async (): Promise<void> => {
      const next = this.listenClient();
      client = next;
      next.on('notification', () => onChange());
      next.on('error', (error) => {
        this.onListenError(error);
        relisten(next);
      });
      next.on('end', () => relisten(next));
      await next.connect();
      await next.query(`LISTEN ${quoteIdentifier(this.channel)}`);
    };
    const relisten = (lost: Client) => {
      if (stopped || client !== lost || retry) return;
      client = undefined;
      void lost.end().catch(() => undefined);
      retry = setTimeout(() => {
        retry = undefined;
        if (stopped) return;
        listen().then(onChange, (error: unknown) => {
          this.onListenError(error);
          if (client) relisten(client);
        });
      }, RELISTEN_DELAY_MS);
      retry.unref();
    };
    await listen();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  }
}
