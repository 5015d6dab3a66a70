import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether the PostgreSQL tests can run. Without PostgreSQL they are skipped with a printed reason, except
 * under CI (`CI=true`, as `.ci/run` sets), where a missing PostgreSQL fails the run instead.
 */
export async function postgresForTests(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    const reason = `PostgreSQL is not reachable at ${new URL(TEST_DATABASE_URL).host} (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}: CI requires it (start PostgreSQL or unset CI)`);
    console.warn(`skipping the PostgreSQL ledger tests: ${reason} (set DATABASE_URL, or start PostgreSQL)`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema of the test's own, reached through the URL's `options=-c search_path=…`; `drop()` removes it. */
export async function createTestSchema(): Promise<{
  url: string;
  query(sql: string, values?: unknown[]): Promise<unknown[]>;
  drop(): Promise<void>;
}> {
  const name = `infermux_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  await pool.query(`CREATE SCHEMA ${name}`);
  return {
    url: url.toString(),
    query: async (sql, values) => (await pool.query(sql, values)).rows,
    async drop() {
      await pool.query(`DROP SCHEMA ${name} CASCADE`);
      await pool.end();
    },
  };
}
