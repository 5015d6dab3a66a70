import { type InfermuxConfig, type LedgerLocation, resolveLedgerLocation } from '@infermux/core';
import type { CreateKeyOptions, GatewayKey } from './keys/gateway-key';
import { KeyStore } from './keys/key-store';
import { openDatabase } from './ledger/open-database';
import { openLedgerReadOnly } from './ledger/open-ledger-read-only';
import { type UsageGrouping, UsageLedger, type UsageSummaryRow } from './ledger/usage-ledger';
import { serverSettings } from './server-settings';

export interface GatewayStore {
  /** The ledger file opened, and which setting chose it. */
  location: LedgerLocation;
  keys: {
    /** The plaintext `key` is returned once and never stored. */
    create(options: CreateKeyOptions): { id: string; key: string; name: string };
    list(): GatewayKey[];
    revoke(id: string): GatewayKey;
  };
  usage: {
    summary(options: { by: UsageGrouping; since?: Date | number | string }): UsageSummaryRow[];
  };
  close(): void;
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
  /** Where `INFERMUX_LEDGER_PATH` and `XDG_DATA_HOME` are read (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Reads only (`usage`, `keys list`): never creates the ledger; a missing one is `gateway_not_found`. */
  readOnly?: boolean;
}

/**
 * The gateway's keys and ledger without a running server: what `infermux keys …` and
 * `infermux usage` use. Safe to open while the gateway runs (SQLite WAL; the gateway
 * notices new and revoked keys within a second).
 */
export function openGatewayStore(options: OpenGatewayStoreOptions): GatewayStore {
  const settings = serverSettings(options.config);
  const location = resolveLedgerLocation({ configured: settings.ledger.path, env: options.env });
  const database = options.readOnly ? openLedgerReadOnly(location) : openDatabase(location.path);
  const keyStore = new KeyStore(database);
  const ledger = new UsageLedger(database, 0);
  return {
    location,
    keys: {
      create: (create) => keyStore.create(create),
      list: () => keyStore.list(),
      revoke: (id) => keyStore.revoke(id),
    },
    usage: {
      summary: ({ by, since }) => ledger.summary({ by, since: toTimestamp(since) }),
    },
    close: () => database.close(),
  };
}
