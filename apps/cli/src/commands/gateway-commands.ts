import { describeLedgerLocation, InfermuxError } from '@infermux/core';
import type { GatewayStore } from '@infermux/server';
import { exitCodes } from '../exit-codes';
import { formatNumber } from '../output/format-number';
import type { CliContext } from '../runtime/cli-context';

import { loadGateway } from '../runtime/load-gateway';

/** `--database-url` of `keys` and `usage`: PostgreSQL (shared by replicas) instead of the SQLite file. */
export interface StoreFlags {
  databaseUrl?: string;
}

/**
 * Opens the gateway's keys and ledger: where `serve` keeps them, whatever the working directory
 * (PostgreSQL with `--database-url`, `DATABASE_URL` or `server.ledger.postgres`: every replica's rows).
 * A read (`usage`, `keys list`) never creates the ledger, and says on stderr which one it read.
 */
async function withStore<T>(
  context: CliContext,
  flags: StoreFlags,
  use: (store: GatewayStore) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const [{ config }, gateway] = await Promise.all([context.loadConfig(), loadGateway()]);
  const store = await gateway.openGatewayStore({
    config,
    env: context.env,
    readOnly: options.readOnly,
    ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
  });
  if (options.readOnly) {
    context.terminal.stderr.write(
      `${context.terminal.err.dim(`reading ${describeLedgerLocation(store.location, context.env)}`)}\n`,
    );
  }
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

export async function serveCommand(context: CliContext, flags: { port?: string; host?: string }): Promise<number> {
  const [{ config, path }, gateway] = await Promise.all([context.loadConfig(), loadGateway()]);
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `--port ${flags.port}: expected a port number (0-65535)`,
      details: { field: '--port' },
    });
  }
  const running = await gateway.startGateway({
    config,
    env: context.env,
    ...(path ? { configPath: path } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(flags.host ? { host: flags.host } : {}),
  });
  context.terminal.stdout.write(`infermux gateway listening on ${running.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  context.terminal.stderr.write('shutting down…\n');
  await running.close();
  return exitCodes.ok;
}

export interface KeyCreateFlags extends StoreFlags {
  rpm?: string;
  tpm?: string;
  budget?: string;
  budgetPeriod?: 'day' | 'month' | 'total';
  models?: string;
  routes?: string;
  json?: boolean;
}

function count(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${flag} ${text}: expected a number > 0`,
      details: { field: flag },
    });
  return value;
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export async function keysCreateCommand(context: CliContext, name: string, flags: KeyCreateFlags): Promise<number> {
  const budget = count(flags.budget, '--budget');
  const options = {
    name,
    ...(flags.rpm !== undefined ? { rpm: count(flags.rpm, '--rpm') } : {}),
    ...(flags.tpm !== undefined ? { tpm: count(flags.tpm, '--tpm') } : {}),
    ...(budget !== undefined ? { budget: { amount: budget, period: flags.budgetPeriod ?? 'month' } } : {}),
    ...(flags.models ? { allowedModels: list(flags.models) } : {}),
    ...(flags.routes ? { allowedRoutes: list(flags.routes) } : {}),
  };
  const created = await withStore(context, flags, (store) => store.keys.create(options));
  if (flags.json) context.terminal.stdout.write(`${JSON.stringify(created)}\n`);
  else {
    context.terminal.stdout.write(`${created.key}\n`);
    context.terminal.stderr.write(
      `Created key ${created.id} ("${name}"). This is the only time the key is shown: store it now.\n`,
    );
  }
  return exitCodes.ok;
}

export async function keysListCommand(context: CliContext, flags: StoreFlags & { json?: boolean }): Promise<number> {
  const keys = await withStore(context, flags, (store) => store.keys.list(), { readOnly: true });
  await printRows(context, keys, flags.json);
  return exitCodes.ok;
}

export async function keysRevokeCommand(context: CliContext, id: string, flags: StoreFlags = {}): Promise<number> {
  await withStore(context, flags, (store) => store.keys.revoke(id));
  context.terminal.stdout.write(`revoked ${id}\n`);
  return exitCodes.ok;
}

export async function usageCommand(
  context: CliContext,
  flags: StoreFlags & { by: 'key' | 'model' | 'day'; since?: string; json?: boolean },
): Promise<number> {
  const rows = await withStore(
    context,
    flags,
    (store) => store.usage.summary({ by: flags.by, ...(flags.since ? { since: flags.since } : {}) }),
    { readOnly: true },
  );
  // A cost nothing priced reads "unknown" (JSON keeps null), never a blank that looks like 0.
  await printRows(
    context,
    flags.json ? rows : rows.map((row) => ({ ...row, cost: row.cost ?? 'unknown' })),
    flags.json,
  );
  return exitCodes.ok;
}

/** Rows as an aligned table for people (numbers rounded), JSON for scripts (exact). */
async function printRows(context: CliContext, rows: readonly unknown[], json?: boolean): Promise<void> {
  const stdout = context.terminal.stdout;
  if (json) {
    stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    stdout.write('(none)\n');
    return;
  }
  const records = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row as Record<string, unknown>).map(([key, value]) => [
        key,
        value === null || value === undefined
          ? ''
          : typeof value === 'number'
            ? formatNumber(value)
            : typeof value === 'object'
              ? JSON.stringify(value)
              : String(value),
      ]),
    ),
  );
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const widths = columns.map((column) =>
    Math.max(column.length, ...records.map((record) => (record[column] ?? '').length)),
  );
  stdout.write(
    `${context.terminal.out.bold(columns.map((column, index) => column.padEnd(widths[index] as number)).join('  '))}\n`,
  );
  for (const record of records)
    stdout.write(
      `${columns.map((column, index) => (record[column] ?? '').padEnd(widths[index] as number)).join('  ')}\n`,
    );
}
