import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, tempDir } from '../test-support/cli-harness';
import { createTestSchema, postgresForTests } from '../test-support/postgres-availability';

const available = await postgresForTests();
let schema: Awaited<ReturnType<typeof createTestSchema>>;

beforeAll(async () => {
  if (available) schema = await createTestSchema();
});
afterAll(() => schema?.drop());

describe.runIf(available)('keys and usage on the PostgreSQL ledger of replicated gateways', () => {
  it('--database-url and DATABASE_URL reach the shared database; usage sums every replica’s rows', async () => {
    const cwd = tempDir();
    const created = await runCli(['keys', 'create', 'shared', '--json', '--database-url', schema.url], { cwd });
    expect(created.code).toBe(exitCodes.ok);
    const { id } = JSON.parse(created.stdout) as { id: string };
    // Rows as two replicas wrote them.
    for (const [index, cost] of [0.25, 0.5].entries())
      await schema.query(
        `INSERT INTO usage_ledger (request_id, ts, key_id, key_name, endpoint, attempts, status, latency_ms, overhead_ms, streamed, cached, cost)
         VALUES ($1, $2, $3, 'shared', '/v1/chat/completions', 1, 200, 5, 0.1, false, false, $4)`,
        [`replica-${index}`, Date.now(), id, cost],
      );
    const usage = await runCli(['usage', '--by', 'key', '--json'], { cwd, env: { DATABASE_URL: schema.url } });
    expect(usage.code).toBe(exitCodes.ok);
    expect(JSON.parse(usage.stdout)).toEqual([expect.objectContaining({ group: 'shared', requests: 2, cost: 0.75 })]);
    expect(usage.stderr).toMatch(
      /reading ledger postgres:\/\/postgres@127\.0\.0\.1:5432\/test\?options=.* \(DATABASE_URL\)/,
    );

    const listed = await runCli(['keys', 'list', '--database-url', schema.url], { cwd });
    expect(listed.stdout).toContain(id);
    expect((await runCli(['keys', 'revoke', id, '--database-url', schema.url], { cwd })).code).toBe(exitCodes.ok);
  });

  it('a URL that is not PostgreSQL is a usage error naming the flag, without echoing the URL', async () => {
    const run = await runCli(['usage', '--database-url', 'mysql://root:hunter2@db/x'], { cwd: tempDir() });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/--database-url: expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(run.stderr).not.toContain('hunter2');
  });
});
