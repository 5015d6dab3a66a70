import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../errors/secret-redaction';
import {
  defaultLedgerPath,
  describeLedgerLocation,
  type PostgresLedgerLocation,
  resolveLedgerLocation,
  resolvePostgresLedger,
} from './ledger-location';
import { parseConfig } from './load-config';

const home = '/home/ada';

function emptyDir(): string {
  return mkdtempSync(join(tmpdir(), 'infermux-ledger-'));
}

describe('resolveLedgerLocation', () => {
  it('defaults to the XDG data directory, whatever the working directory', () => {
    const location = resolveLedgerLocation({ env: {}, cwd: emptyDir(), home });
    expect(location).toEqual({ path: '/home/ada/.local/share/infermux/gateway.sqlite', source: 'default' });
    expect(resolveLedgerLocation({ env: {}, cwd: emptyDir(), home })).toEqual(location);
    expect(resolveLedgerLocation({ env: { XDG_DATA_HOME: '/data' }, cwd: emptyDir(), home }).path).toBe(
      '/data/infermux/gateway.sqlite',
    );
  });

  it('ignores a relative XDG_DATA_HOME, as the XDG spec says', () => {
    expect(defaultLedgerPath({ XDG_DATA_HOME: 'data' }, home)).toBe('/home/ada/.local/share/infermux/gateway.sqlite');
  });

  it('still finds a ledger an earlier version left in ./.infermux/', () => {
    const cwd = emptyDir();
    mkdirSync(join(cwd, '.infermux'));
    writeFileSync(join(cwd, '.infermux', 'gateway.sqlite'), '');
    expect(resolveLedgerLocation({ env: {}, cwd, home })).toEqual({
      path: join(cwd, '.infermux', 'gateway.sqlite'),
      source: 'working-directory',
    });
  });

  it('takes INFERMUX_LEDGER_PATH over the config, and the config over the default (relative to the cwd)', () => {
    const cwd = emptyDir();
    expect(resolveLedgerLocation({ configured: 'ledger.db', env: {}, cwd, home })).toEqual({
      path: join(cwd, 'ledger.db'),
      source: 'config',
    });
    expect(
      resolveLedgerLocation({ configured: 'ledger.db', env: { INFERMUX_LEDGER_PATH: '/var/lib/g.sqlite' }, cwd, home }),
    ).toEqual({ path: '/var/lib/g.sqlite', source: 'env' });
    expect(resolveLedgerLocation({ configured: ':memory:', env: {}, cwd, home }).path).toBe(':memory:');
  });

  it('the config no longer fills in a cwd-relative path', () => {
    expect(parseConfig({ server: {} }).server?.ledger).toEqual({ flushIntervalMs: 10, commit: 'batched' });
  });
});

describe('describeLedgerLocation', () => {
  it('names the setting, and for a legacy ledger where the default now is', () => {
    expect(describeLedgerLocation({ path: '/l.sqlite', source: 'env' })).toBe(
      'ledger /l.sqlite (INFERMUX_LEDGER_PATH)',
    );
    expect(
      describeLedgerLocation(
        { path: '/w/.infermux/gateway.sqlite', source: 'working-directory' },
        { XDG_DATA_HOME: '/x' },
      ),
    ).toBe(
      'ledger /w/.infermux/gateway.sqlite (found in the working directory); the default is now /x/infermux/gateway.sqlite: move the file there, or set server.ledger.path or INFERMUX_LEDGER_PATH to keep it here',
    );
  });
});

describe('resolvePostgresLedger', () => {
  const url = 'postgres://infermux:s3cret-pass@db.internal:5432/infermux';

  it('is off without DATABASE_URL or server.ledger.postgres (the SQLite file stays the default)', () => {
    expect(resolvePostgresLedger({ env: {} })).toBeUndefined();
  });

  it('DATABASE_URL turns it on; messages show the URL without its password, which is redacted everywhere', () => {
    const location = resolvePostgresLedger({ env: { DATABASE_URL: url } });
    expect(location).toMatchObject({ kind: 'postgres', source: 'env', urlEnv: 'DATABASE_URL', maxConnections: 4 });
    expect(location?.display).toBe('postgres://infermux@db.internal:5432/infermux');
    expect(describeLedgerLocation(location as PostgresLedgerLocation)).toBe(
      'ledger postgres://infermux@db.internal:5432/infermux (DATABASE_URL)',
    );
    expect(redactSecrets(`failed: ${url} / s3cret-pass`)).not.toContain('s3cret-pass');
  });

  it('server.ledger.postgres names its variable and must find it set; --database-url wins over both', () => {
    const configured = parseConfig({ server: { ledger: { postgres: { urlEnv: 'LEDGER_DB', schema: 'gw' } } } }, 'x')
      .server?.ledger.postgres;
    expect(resolvePostgresLedger({ configured, env: { LEDGER_DB: url } })).toMatchObject({
      source: 'config',
      schema: 'gw',
    });
    expect(() => resolvePostgresLedger({ configured, env: { DATABASE_URL: url } })).toThrow(
      expect.objectContaining({ code: 'caller_invalid_input', details: expect.objectContaining({ env: 'LEDGER_DB' }) }),
    );
    expect(resolvePostgresLedger({ configured, env: {}, databaseUrl: url })).toMatchObject({ source: 'flag' });
  });

  it('a URL that is not postgres:// is refused naming where it came from, never echoing it', () => {
    const attempt = () => resolvePostgresLedger({ env: { DATABASE_URL: 'mysql://root:hunter2@db/x' } });
    expect(attempt).toThrow(expect.objectContaining({ code: 'caller_invalid_input' }));
    expect(attempt).toThrow(/^DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL\.$/);
    expect(() => parseConfig({ server: { ledger: { postgres: { schema: 'Bad-Name' } } } }, 'config')).toThrow(
      /server\.ledger\.postgres\.schema/,
    );
  });
});
