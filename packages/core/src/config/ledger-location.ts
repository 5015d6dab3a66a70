import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { InfermuxError } from '../errors/infermux-error';
import { registerSecret } from '../errors/secret-redaction';
import type { ServerConfig } from './server-config-schema';

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

/** Turns the ledger (and keys) over to PostgreSQL when set, unless `server.ledger.postgres` names another variable. */
export const DATABASE_URL_ENV = 'DATABASE_URL';

/** Keys and ledger in PostgreSQL: the connection and which setting chose it. */
export interface PostgresLedgerLocation {
  kind: 'postgres';
  /** The connection URL: a secret (it may carry a password), registered for redaction. */
  url: string;
  /** `url` without its password, for messages and logs. */
  display: string;
  source: 'flag' | 'env' | 'config';
  /** The env variable the URL came from (or would have, for `flag`). */
  urlEnv: string;
  schema?: string;
  maxConnections: number;
}

type PostgresSettings = NonNullable<ServerConfig['ledger']['postgres']>;

/**
 * PostgreSQL instead of the SQLite file when: a URL is given (`--database-url`), `server.ledger.postgres` is
 * configured (its `urlEnv` must then be set: a config that asks for Postgres never falls back to a local
 * file), or `DATABASE_URL` is set. Otherwise undefined: the SQLite ledger of `resolveLedgerLocation`.
 */
export function resolvePostgresLedger(options: {
  configured?: PostgresSettings;
  env?: NodeJS.ProcessEnv;
  databaseUrl?: string;
}): PostgresLedgerLocation | undefined {
  const env = options.env ?? process.env;
  const urlEnv = options.configured?.urlEnv ?? DATABASE_URL_ENV;
  const settings = { urlEnv, maxConnections: options.configured?.maxConnections ?? 4 };
  const schema = options.configured?.schema;
  let url: string | undefined;
  let source: PostgresLedgerLocation['source'];
  if (options.databaseUrl) {
    url = options.databaseUrl;
    source = 'flag';
  } else {
    url = env[urlEnv] || undefined;
    source = options.configured ? 'config' : 'env';
    if (!url && options.configured) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `server.ledger.postgres: reads the connection URL from the env variable ${urlEnv}, which is not set.`,
        details: { field: 'server.ledger.postgres.urlEnv', env: urlEnv },
      });
    }
    if (!url) return undefined;
  }
  registerSecret(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL('invalid:');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    const field = source === 'flag' ? '--database-url' : urlEnv;
    // The value is never echoed: it may hold a password.
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${field}: expected a postgres:// or postgresql:// URL.`,
      details: { field },
    });
  }
  if (parsed.password) registerSecret(decodeURIComponent(parsed.password));
  parsed.password = '';
  return { kind: 'postgres', url, display: parsed.toString(), source, ...settings, ...(schema ? { schema } : {}) };
}

const postgresSourceNames: Record<PostgresLedgerLocation['source'], string> = {
  flag: '--database-url',
  env: DATABASE_URL_ENV,
  config: 'server.ledger.postgres',
};

/** One line for people: which ledger, from which setting; for a legacy one, how to move it. */
export function describeLedgerLocation(
  location: LedgerLocation | PostgresLedgerLocation,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if ('kind' in location)
    return `ledger ${location.display}${location.schema ? ` schema ${location.schema}` : ''} (${postgresSourceNames[location.source]})`;
  const line = `ledger ${location.path} (${sourceNames[location.source]})`;
  if (location.source !== 'working-directory') return line;
  return `${line}; the default is now ${defaultLedgerPath(env)}: move the file there, or set server.ledger.path or ${LEDGER_PATH_ENV} to keep it here`;
}
