import type { InfermuxConfig, LedgerLocation, PostgresLedgerLocation } from '@infermux/core';
import { openGatewayStorage } from './gateway-storage';
import type { CreateKeyOptions, GatewayKey } from './keys/gateway-key';
import type { CreatedKey } from './keys/key-store';
import type { UsageGrouping, UsageSummaryRow } from './ledger/ledger-storage';
import { serverSettings } from './server-settings';

export interface GatewayStore {
  /** The ledger opened (a SQLite file or a PostgreSQL database), and which setting chose it. */
  location: LedgerLocation | PostgresLedgerLocation;
  keys: {
    /** The plaintext `key` is returned once and never stored. */
    create(options: CreateKeyOptions): Promise<CreatedKey>;
    list(): Promise<GatewayKey[]>;
    revoke(id: string): Promise<GatewayKey>;
  };
  usage: {
    /** With PostgreSQL: every replica's committed rows. */
    summary(options: { by: UsageGrouping; since?: Date | number | string }): Promise<UsageSummaryRow[]>;
  };
  close(): Promise<void>;
}

export function toTimestamp(since: Date | number | string | undefined): number | undefined {
  if (since === undefined) return undefined;
  if (since instanceof Date) return since.getTime();
  if (typeof since === 'number') return since;
  const parsed = Date.parse(since);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export interface OpenGatewayStoreOptions {
  config: InfermuxConfig;
  /** Where `DATABASE_URL`, `INFERMUX_LEDGER_PATH` and `XDG_DATA_HOME` are read (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** A PostgreSQL URL (`--database-url`): wins over `DATABASE_URL` and `server.ledger.postgres`. */
  databaseUrl?: string;
  /** Reads only (`usage`, `keys list`): never creates the ledger; a missing one is `gateway_not_found`. */
  readOnly?: boolean;
}

/**
 * The gateway's keys and ledger without a running server: what `infermux keys …` and
 * `infermux usage` use. Safe to open while gateways run (SQLite WAL: the gateway notices new and
 * revoked keys within a second; PostgreSQL: every replica at once, through NOTIFY).
 */
export async function openGatewayStore(options: OpenGatewayStoreOptions): Promise<GatewayStore> {
  const storage = await openGatewayStorage({ ...options, settings: serverSettings(options.config) });
  const { keys, ledger } = storage;
  return {
    location: storage.location,
    keys: {
      create: (create) => keys.create(create),
      list: () => keys.list(),
      revoke: (id) => keys.revoke(id),
    },
    usage: {
      summary: ({ by, since }) => ledger.summary({ by, since: toTimestamp(since) }),
    },
    close: () => storage.close(),
  };
}
