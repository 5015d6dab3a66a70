import { type PostgresLedgerLocation, resolvePostgresLedger, serverConfigSchema } from '@infermux/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayStore } from '../gateway-store';
import type { LedgerRow } from '../ledger/ledger-row';
import { openDatabase } from '../ledger/open-database';
import { SqliteLedgerStorage } from '../ledger/sqlite-ledger-storage';
import { CENT_PER_CHAT_CONFIG, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from '../test-support/gateway-requests';
import { createTestSchema, postgresForTests, type TestSchema } from '../test-support/postgres-for-tests';
import { migrate, migrations } from './postgres-migrations';
import { openPostgresStorage } from './postgres-storage';

const available = await postgresForTests();
let schema: TestSchema;
const fixtures: GatewayFixture[] = [];

beforeAll(async () => {
  if (available) schema = await createTestSchema();
});
afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((fixture) => fixture.close()));
});
afterAll(async () => {
  await schema?.drop();
});

function location(url: string): PostgresLedgerLocation {
  return resolvePostgresLedger({ env: { DATABASE_URL: url } }) as PostgresLedgerLocation;
}

const row = (requestId: string, extra: Partial<LedgerRow> = {}): LedgerRow => ({
  requestId,
  ts: Date.UTC(2026, 11, 7, 5, 0, 0),
  endpoint: '/v1/chat/completions',
  attempts: 1,
  status: 200,
  latencyMs: 5,
  overheadMs: 0.25,
  streamed: false,
  cached: false,
  ...extra,
});

describe.runIf(available)('PostgreSQL keys and ledger', () => {
  it('migrations: three replicas opening an empty schema at once apply each version once; a later start applies none', async () => {
    const own = await createTestSchema();
    try {
      const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: own.url, max: 1 }));
      const applied = await Promise.all(pools.map((pool) => migrate(pool, own.name)));
      expect(applied.flat().sort()).toEqual(migrations.map((migration) => migration.version));
      expect(await migrate(pools[0] as pg.Pool, own.name)).toEqual([]);
      await Promise.all(pools.map((pool) => pool.end()));
      expect(await own.query('SELECT version FROM infermux_migrations')).toHaveLength(migrations.length);
    } finally {
      await own.drop();
    }
  });

  it('server.ledger.postgres.schema: creates the schema it names and keeps its tables there', async () => {
    const name = `infermux_test_cfg_${Date.now().toString(36)}`;
    const settings = serverConfigSchema.parse({ ledger: { postgres: { schema: name } } }).ledger.postgres;
    const storage = await openPostgresStorage(
      resolvePostgresLedger({ configured: settings, env: { DATABASE_URL: schema.url } }) as PostgresLedgerLocation,
    );
    try {
      await storage.ledger.write([row('in-own-schema')]);
      expect(await schema.query(`SELECT request_id FROM ${name}.usage_ledger`)).toEqual([
        { request_id: 'in-own-schema' },
      ]);
    } finally {
      await storage.close();
      await schema.query(`DROP SCHEMA ${name} CASCADE`);
    }
  });

  it('writes a batch in one statement and summarises it exactly as the SQLite ledger does', async () => {
    const rows = [
      row('a', { keyId: 'k1', keyName: 'alpha', model: 'm1', cost: 0.25, usage: { inputTokens: 3, outputTokens: 4 } }),
      row('b', { keyId: 'k1', keyName: 'alpha', model: 'm2', cost: 0.5, status: 502, errorCode: 'provider_error' }),
      row('c', { keyId: 'k2', keyName: 'beta', model: 'm1', costSource: 'unknown', latencyMs: 7 }),
      row('d', { keyName: 'gamma', ts: Date.UTC(2026, 11, 8), usage: { totalTokens: 9 }, cost: 0.125 }),
    ];
    const sqlite = new SqliteLedgerStorage(openDatabase(':memory:'));
    sqlite.write(rows);
    const storage = await openPostgresStorage(location(schema.url));
    try {
      await storage.ledger.write(rows);
      for (const by of ['key', 'model', 'day'] as const)
        expect(await storage.ledger.summary({ by })).toEqual(await sqlite.summary({ by }));
      expect(await storage.ledger.summary({ by: 'model', keyId: 'k1', since: rows[0]?.ts })).toEqual(
        await sqlite.summary({ by: 'model', keyId: 'k1', since: rows[0]?.ts }),
      );
      expect(await storage.ledger.spentSince('k1', 0)).toBeCloseTo(0.75);
    } finally {
      await storage.close();
    }
  });

  it('stores what PostgreSQL would refuse (a NUL in a model name, fractional tokens) instead of failing the batch forever', async () => {
    const storage = await openPostgresStorage(location(schema.url));
    try {
      await storage.ledger.write([
        row('nul', { keyId: 'k-nul', model: 'evil\u0000model', usage: { inputTokens: 2.5, outputTokens: Number.NaN } }),
      ]);
      expect(
        await schema.query("SELECT model, input_tokens, output_tokens FROM usage_ledger WHERE request_id = 'nul'"),
      ).toEqual([{ model: 'evilmodel', input_tokens: '3', output_tokens: null }]);
    } finally {
      await storage.close();
    }
  });

  it('a key revoked through one replica is refused by another at once (NOTIFY), and `infermux usage` sums both', async () => {
    const env = { DATABASE_URL: schema.url };
    const first = await startGatewayFixture({}, env);
    fixtures.push(first);
    const second = await startGatewayFixture({}, env);
    fixtures.push(second);
    // Two keys: on loopback a gateway with no key at all is open, and revoking `shared` must not get there.
    await createKey(first.gateway.url, { name: 'keeper' });
    const { id, key } = await createKey(first.gateway.url, { name: 'shared' });
    const secondChat = `${second.gateway.url}/v1/chat/completions`;
    // The creations reached the second replica by NOTIFY: no restart, no polling.
    await expect.poll(async () => (await call(secondChat, { body: chatBody() })).status).toBe(401);
    expect((await call(secondChat, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    expect(
      (await call(`${first.gateway.url}/v1/chat/completions`, { headers: bearer(key), body: chatBody() })).status,
    ).toBe(200);

    const revoked = await call(`${first.gateway.url}/admin/keys/${id}`, {
      method: 'DELETE',
      headers: bearer('admin-token-for-tests-0123456789'),
    });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();
    let status = 200;
    let answeredMeanwhile = -1;
    while (status === 200 && Date.now() - revokedAt < 5000) {
      status = (await call(secondChat, { headers: bearer(key), body: chatBody() })).status;
      answeredMeanwhile += 1;
    }
    const seenAfterMs = Date.now() - revokedAt;
    console.log(`postgres key revocation seen by the other replica after ${seenAfterMs} ms`);
    expect(status).toBe(401);
    // Polling would take ≥ 250 ms; NOTIFY takes a round trip (margin for a loaded machine).
    expect(seenAfterMs).toBeLessThan(1000);

    const store = await openGatewayStore({ config: {}, databaseUrl: schema.url, readOnly: true });
    try {
      const usage = (await store.usage.summary({ by: 'key' })).find((item) => item.group === 'shared');
      // One answered request through each replica, and any the second answered before the notice arrived
      // (refused ones carry no key).
      expect(usage).toMatchObject({ requests: 2 + answeredMeanwhile, errors: 0 });
      expect(store.location).toMatchObject({ kind: 'postgres', source: 'flag' });
    } finally {
      await store.close();
    }
  });

  it('a budget starts from the spend every replica wrote to the PostgreSQL ledger', async () => {
    const env = { DATABASE_URL: schema.url };
    const fixture = await startGatewayFixture({}, env, CENT_PER_CHAT_CONFIG);
    fixtures.push(fixture);
    const { id, key } = await createKey(fixture.gateway.url, {
      name: 'spent',
      budget: { amount: 0.05, period: 'total' },
    });
    // Another replica's rows: the whole budget already spent.
    const storage = await openPostgresStorage(location(schema.url));
    await storage.ledger.write(
      Array.from({ length: 5 }, (_, index) => row(`other-${index}`, { keyId: id, cost: 0.01 })),
    );
    await storage.close();
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, { headers: bearer(key), body: chatBody() });
    expect(reply.status).toBe(402);
    expect(reply.json().error.message).toMatch(/has spent or reserved \$0\.0500 of its \$0\.05 total budget/);
  });

  it('a read of a schema the gateway never started on is gateway_not_found, and creates nothing', async () => {
    const empty = await createTestSchema();
    try {
      await expect(openGatewayStore({ config: {}, databaseUrl: empty.url, readOnly: true })).rejects.toMatchObject({
        code: 'gateway_not_found',
      });
      expect(await empty.query("SELECT to_regclass('infermux_migrations') AS t")).toEqual([{ t: null }]);
    } finally {
      await empty.drop();
    }
  });
});
