// A PostgreSQL schema of a bench run's own (BENCH_LEDGER=postgres), on DATABASE_URL or the local `test`
// database: the gateway under test creates its tables there (server.ledger.postgres.schema); dropped at the end.
export async function openBenchSchema(prefix) {
  const { default: pg } = await import('pg');
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    url,
    name,
    rows: async () => Number((await pool.query(`SELECT COUNT(*) AS n FROM ${name}.usage_ledger`)).rows[0].n),
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await pool.end();
    },
  };
}
