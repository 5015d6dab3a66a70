import type { InfermuxConfig } from '@infermux/core';
import { exitCodes } from '../exit-codes';
import { parseAssignment } from '../input/typed-assignment';
import type { CliContext } from '../runtime/cli-context';

/** The part of `@infermux/server` the CLI drives (the gateway's own package owns it). */
interface GatewayModule {
  startGateway(options: { config: InfermuxConfig; configPath?: string; port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
  openGatewayStore(options: { config: InfermuxConfig }): GatewayStore;
}

interface GatewayStore {
  keys: {
    create(options: { name: string } & Record<string, unknown>): { id: string; key: string } | Promise<{ id: string; key: string }>;
    list(): unknown[] | Promise<unknown[]>;
    revoke(id: string): unknown;
  };
  usage: { summary(options: { by: 'key' | 'model' | 'day'; since?: string | number | Date }): unknown[] | Promise<unknown[]> };
  close(): void | Promise<void>;
}

// Loaded only by these commands: the gateway pulls in a database and an HTTP server.
const serverPackage = '@infermux/server';
const loadGateway = async (): Promise<GatewayModule> => (await import(serverPackage)) as GatewayModule;

async function withStore<T>(context: CliContext, use: (store: GatewayStore) => Promise<T>): Promise<T> {
  const [{ config }, gateway] = await Promise.all([context.loadConfig(), loadGateway()]);
  const store = gateway.openGatewayStore({ config });
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
    const { InfermuxError } = await import('@infermux/core');
    throw new InfermuxError({ code: 'caller_invalid_input', message: `--port ${flags.port}: expected a port number (0-65535)`, details: { field: '--port' } });
  }
  const running = await gateway.startGateway({ config, ...(path ? { configPath: path } : {}), ...(port !== undefined ? { port } : {}), ...(flags.host ? { host: flags.host } : {}) });
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

export async function keysCreateCommand(context: CliContext, name: string, flags: { limit?: string[]; json?: boolean }): Promise<number> {
  const limits: Record<string, unknown> = {};
  for (const text of flags.limit ?? []) {
    const { key, raw } = parseAssignment('--limit', text);
    limits[key] = /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  }
  const created = await withStore(context, async (store) => store.keys.create({ name, ...limits }));
  if (flags.json) context.terminal.stdout.write(`${JSON.stringify(created)}\n`);
  else {
    context.terminal.stdout.write(`${created.key}\n`);
    context.terminal.stderr.write(`Created key ${created.id} ("${name}"). This is the only time the key is shown: store it now.\n`);
  }
  return exitCodes.ok;
}

export async function keysListCommand(context: CliContext, flags: { json?: boolean }): Promise<number> {
  const keys = await withStore(context, async (store) => store.keys.list());
  await printRows(context, keys, flags.json);
  return exitCodes.ok;
}

export async function keysRevokeCommand(context: CliContext, id: string): Promise<number> {
  await withStore(context, async (store) => store.keys.revoke(id));
  context.terminal.stdout.write(`revoked ${id}\n`);
  return exitCodes.ok;
}

export async function usageCommand(context: CliContext, flags: { by: 'key' | 'model' | 'day'; since?: string; json?: boolean }): Promise<number> {
  const rows = await withStore(context, async (store) => store.usage.summary({ by: flags.by, ...(flags.since ? { since: flags.since } : {}) }));
  await printRows(context, rows, flags.json);
  return exitCodes.ok;
}

/** Rows as an aligned table for people, JSON for scripts. */
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
  const records = rows.map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([key, value]) => [key, value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)])));
  const columns = [...new Set(records.flatMap((record) => Object.keys(record)))];
  const widths = columns.map((column) => Math.max(column.length, ...records.map((record) => (record[column] ?? '').length)));
  stdout.write(`${context.terminal.out.bold(columns.map((column, index) => column.padEnd(widths[index] as number)).join('  '))}\n`);
  for (const record of records) stdout.write(`${columns.map((column, index) => (record[column] ?? '').padEnd(widths[index] as number)).join('  ')}\n`);
}
