import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Overrides every other setting of the gateway's SQLite ledger path (containers, CI). */
export const LEDGER_PATH_ENV = 'INFERMUX_LEDGER_PATH';

/** Where earlier versions kept the ledger, relative to the working directory: still used when present. */
export const LEGACY_LEDGER_PATH = join('.infermux', 'gateway.sqlite');

/** Where the gateway's keys and usage ledger are, and which setting said so. */
export interface LedgerLocation {
  /** Absolute, or `:memory:`. */
  path: string;
  source: 'env' | 'config' | 'working-directory' | 'default';
}

/** `$XDG_DATA_HOME/infermux/gateway.sqlite`, else `~/.local/share/infermux/gateway.sqlite` (XDG Base Directory). */
export function defaultLedgerPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const dataHome =
    env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  return join(dataHome, 'infermux', 'gateway.sqlite');
}

/**
 * The one answer `serve`, `keys` and `usage` share, whatever the working directory:
 * `INFERMUX_LEDGER_PATH`, then `server.ledger.path` from the config, then a ledger an older
 * version left in `./.infermux/` (so an upgrade keeps its data), then the XDG default.
 * Relative settings are taken from the working directory.
 */
export function resolveLedgerLocation(
  options: { configured?: string; env?: NodeJS.ProcessEnv; cwd?: string; home?: string } = {},
): LedgerLocation {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const absolute = (path: string) => (path === ':memory:' ? path : resolve(cwd, path));
  const fromEnv = env[LEDGER_PATH_ENV];
  if (fromEnv) return { path: absolute(fromEnv), source: 'env' };
  if (options.configured) return { path: absolute(options.configured), source: 'config' };
  const legacy = resolve(cwd, LEGACY_LEDGER_PATH);
  if (existsSync(legacy)) return { path: legacy, source: 'working-directory' };
  return { path: defaultLedgerPath(env, options.home), source: 'default' };
}

const sourceNames: Record<LedgerLocation['source'], string> = {
  env: LEDGER_PATH_ENV,
  config: 'server.ledger.path',
  'working-directory': 'found in the working directory',
  default: 'the default location',
};

/** One line for people: which ledger, from which setting; for a legacy one, how to move it. */
export function describeLedgerLocation(location: LedgerLocation, env: NodeJS.ProcessEnv = process.env): string {
  const line = `ledger ${location.path} (${sourceNames[location.source]})`;
  if (location.source !== 'working-directory') return line;
  return `${line}; the default is now ${defaultLedgerPath(env)}: move the file there, or set server.ledger.path or ${LEDGER_PATH_ENV} to keep it here`;
}
