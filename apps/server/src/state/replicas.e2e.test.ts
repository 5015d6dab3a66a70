import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOpenAI, redisForTests, startFakeOpenAI, TEST_REDIS_URL } from '@infermux/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, UPSTREAM_OPENAI_KEY } from '../test-support/gateway-fixture';
import { type GatewayProcess, spawnGateway } from '../test-support/gateway-process';
import { bearer, call, chatBody } from '../test-support/gateway-requests';
import { uniqueStatePrefix } from '../test-support/redis-state-fixture';

const redisUp = await redisForTests('the gateway replica tests');

const RPM_LIMIT = 20;
const LIMITED_KEY = 'imx-test-limited-0123456789abcdef';
const BUDGET_KEY = 'imx-test-budgeted-0123456789abcdef';
const OPEN_KEY = 'imx-test-unlimited-0123456789abcdef';

/**
 * Three gateway processes (what `pnpm start` runs) on loopback ports, sharing one Redis under a fresh key prefix,
 * one SQLite file (so a key created through one replica exists for all; revocation still travels by pub/sub) and
 * two fake upstreams: `flaky` (fails when told) first in the `chat` route, `openai` second.
 */
describe.skipIf(!redisUp)('three gateway replicas sharing one Redis', () => {
  const prefix = uniqueStatePrefix();
  let directory: string;
  let primary: FakeOpenAI;
  let secondary: FakeOpenAI;
  let replicas: GatewayProcess[];
  const urls = () => replicas.map((replica) => replica.url);

  beforeAll(async () => {
    [primary, secondary] = await Promise.all([
      startFakeOpenAI({ apiKey: UPSTREAM_OPENAI_KEY }),
      startFakeOpenAI({ apiKey: UPSTREAM_OPENAI_KEY }),
    ]);
    directory = mkdtempSync(join(tmpdir(), 'infermux-replicas-'));
    const configPath = join(directory, 'infermux.config.json');
    const provider = (baseURL: string) => ({ type: 'openai-compatible', baseURL, apiKeyEnv: 'UPSTREAM_OPENAI_KEY' });
    writeFileSync(
      configPath,
      JSON.stringify({
        providers: {
          flaky: provider(primary.baseURL),
          openai: provider(secondary.baseURL),
          metered: provider(secondary.baseURL),
        },
        // Core's per-provider limit: a burst of 3, then one a second, never waited for (refused at once).
        limits: { providers: { metered: { requestsPerSecond: 1, burst: 3, maxWaitMs: 0 } } },
        routes: { chat: { targets: [{ model: 'flaky:gpt-4o-mini' }, { model: 'openai:gpt-4o-mini' }] } },
        breaker: { consecutiveFailures: 3, cooldownMs: 120_000 },
        prices: {
          version: 'test-1',
          models: {
            'openai:gpt-4o-mini': { perRequest: 0.01 },
            'flaky:gpt-4o-mini': { perRequest: 0.01 },
            'metered:gpt-4o-mini': { perRequest: 0.01 },
          },
        },
        server: {
          ledger: { path: join(directory, 'gateway.sqlite'), flushIntervalMs: 0 },
          keys: [
            { name: 'limited', keyEnv: 'LIMITED_KEY', rpm: RPM_LIMIT },
            // Fits five requests at a cent each.
            { name: 'budgeted', keyEnv: 'BUDGET_KEY', budget: { amount: 0.05, period: 'total' } },
            { name: 'unlimited', keyEnv: 'OPEN_KEY' },
          ],
          state: { redis: TEST_REDIS_URL, keyPrefix: prefix },
        },
      }),
    );
    const env = {
      UPSTREAM_OPENAI_KEY,
      LIMITED_KEY,
      BUDGET_KEY,
      OPEN_KEY,
      INFERMUX_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    // One first, so the shared SQLite file is created before the others open it.
    const first = await spawnGateway({ cwd: directory, configPath, env });
    replicas = [first, ...(await Promise.all([1, 2].map(() => spawnGateway({ cwd: directory, configPath, env }))))];
  }, 60_000);

  afterAll(async () => {
    for (const replica of replicas ?? []) {
      replica.child.kill('SIGTERM');
      await replica.exited;
    }
    await Promise.all([primary?.close(), secondary?.close()]);
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    if (directory) rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  it(`a key limited to ${RPM_LIMIT} requests/min gets exactly ${RPM_LIMIT} successes under 200 concurrent requests over three replicas`, async () => {
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        call(`${urls()[index % 3]}/v1/chat/completions`, { headers: bearer(LIMITED_KEY), body: chatBody() }),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    const successes = statuses.filter((status) => status === 200).length;
    console.log(`replicas: rpm ${RPM_LIMIT}, 200 concurrent requests over 3 replicas → ${successes} successes`);
    expect(successes).toBe(RPM_LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(200 - RPM_LIMIT);
    // Every replica admitted some: the limit is shared, not one replica's.
    const admittedBy = new Set(replies.flatMap((reply, index) => (reply.status === 200 ? [index % 3] : [])));
    expect(admittedBy.size).toBeGreaterThan(1);
  }, 60_000);

  it('a budget that fits 5 requests is never overspent by more than one in-flight request (slow upstream, 200 concurrent)', async () => {
    const slow = secondary.server.fault(
      { path: '/v1/chat/completions' },
      { kind: 'delay-headers', ms: 300 },
      { times: Number.POSITIVE_INFINITY },
    );
    const before = secondary.server.requests.length;
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        call(`${urls()[index % 3]}/v1/chat/completions`, { headers: bearer(BUDGET_KEY), body: chatBody() }),
      ),
    );
    slow.cancel();
    const successes = replies.filter((reply) => reply.status === 200).length;
    const upstreamCalls = secondary.server.requests.length - before;
    const spent = successes * 0.01;
    console.log(
      `replicas: budget $0.05 at $0.01 a request, 200 concurrent → ${successes} served, spend $${spent.toFixed(2)} (overspend $${Math.max(0, spent - 0.05).toFixed(2)}), ${upstreamCalls} upstream calls`,
    );
    expect(spent).toBeLessThanOrEqual(0.05 + 0.01 + 1e-9);
    expect(successes).toBeGreaterThanOrEqual(5);
    expect(upstreamCalls).toBe(successes);
    expect(replies.filter((reply) => reply.status === 402)).toHaveLength(200 - successes);
  }, 60_000);

  it("a provider's own limit (limits.providers) is shared too: its burst of 3 once, not once per replica", async () => {
    const before = secondary.server.requests.length;
    const startedAt = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        call(`${urls()[index % 3]}/v1/chat/completions`, {
          headers: bearer(OPEN_KEY),
          body: chatBody('metered:gpt-4o-mini'),
        }),
      ),
    );
    const elapsedMs = performance.now() - startedAt;
    const successes = replies.filter((reply) => reply.status === 200).length;
    console.log(
      `replicas: provider limit burst 3 + 1/s, 30 concurrent requests over 3 replicas in ${elapsedMs.toFixed(0)} ms → ${successes} upstream calls`,
    );
    expect(secondary.server.requests.length - before).toBe(successes);
    expect(successes).toBeGreaterThanOrEqual(3);
    // Unshared, each replica would grant its own burst: 9.
    expect(successes).toBeLessThanOrEqual(3 + Math.floor(elapsedMs / 1000));
    expect(replies.filter((reply) => reply.status === 429)).toHaveLength(30 - successes);
  }, 60_000);

  it('a breaker opened by traffic on one replica routes the others away within 1 s', async () => {
    const failing = primary.server.fault(
      { path: '/v1/chat/completions' },
      { kind: 'status', status: 500 },
      { times: Number.POSITIVE_INFINITY },
    );
    const [a, b, c] = urls() as [string, string, string];
    const body = chatBody('chat');
    // Three failures on replica A open its breaker for `flaky` (each request still answered by `openai`).
    let trippedFrom = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      trippedFrom = performance.now();
      const reply = await call(`${a}/v1/chat/completions`, { headers: bearer(OPEN_KEY), body });
      expect(reply.status).toBe(200);
    }
    const answeredAt = performance.now();
    expect(await breakerState(a)).toBe(2);
    // B and C have sent nothing to `flaky`: only the shared state can tell them.
    const seen = await Promise.all([b, c].map((url) => waitForOpen(url, trippedFrom)));
    console.log(
      `replicas: breaker opened on A seen open by B, C ${seen.map((ms) => ms.toFixed(1)).join(' ms, ')} ms after the tripping request was sent (${seen.map((ms) => (ms - (answeredAt - trippedFrom)).toFixed(1)).join(' ms, ')} ms after A answered it)`,
    );
    for (const ms of seen) expect(ms).toBeLessThan(1000);
    const primaryBefore = primary.server.requests.length;
    const replies = await Promise.all(
      [b, c, b, c].map((url) => call(`${url}/v1/chat/completions`, { headers: bearer(OPEN_KEY), body })),
    );
    failing.cancel();
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
    expect(primary.server.requests.length - primaryBefore).toBe(0);
  }, 60_000);

  it('a key revoked on one replica is refused by all within 100 ms (pushed, not polled)', async () => {
    const [a, ...others] = urls() as [string, string, string];
    const probed: number[] = [];
    const pushed: number[] = [];
    for (let round = 0; round < 3; round++) {
      const created = await call(`${a}/admin/keys`, {
        headers: bearer(ADMIN_TOKEN),
        body: JSON.stringify({ name: `revoked-${round}` }),
      });
      const { id, key } = created.json<{ id: string; key: string }>();
      // The other replicas see the new key through the shared SQLite file (polled every 250 ms).
      for (const url of others) await until(async () => (await models(url, key)) === 200, 5_000);
      const revoked = await call(`${a}/admin/keys/${id}`, { method: 'DELETE', headers: bearer(ADMIN_TOKEN) });
      expect(revoked.status).toBe(200);
      // Revoked once replica A says so (its store written, the message published); the others from then on.
      const revokedAt = performance.now();
      const refused = await Promise.all(
        others.map(async (url) => {
          await until(async () => (await models(url, key)) === 401, 2_000);
          return performance.now() - revokedAt;
        }),
      );
      probed.push(...refused);
      // When each replica applied it, by its own log clock against A's (one machine, one clock): the push itself,
      // without the probes' HTTP round trips, which a loaded machine stretches.
      const revokedLog = await logTime(replicas[0] as GatewayProcess, 'gateway key revoked', id);
      for (const replica of replicas.slice(1))
        pushed.push((await logTime(replica, 'gateway key revoked on another replica', id)) - revokedLog);
    }
    console.log(
      `replicas: revocation applied by the other replicas ${pushed.join(', ')} ms after replica A revoked (log clocks); first refused probe ${probed.map((ms) => ms.toFixed(1)).join(', ')} ms after A answered`,
    );
    // Only the pushed message writes that log line; polling the store (every 250 ms) would not, and would put
    // some of the six past 100 ms.
    for (const ms of pushed) expect(ms).toBeLessThan(100);
  }, 60_000);
});

/** The time (epoch ms) of a replica's log line with this message about this key, once it has been written. */
async function logTime(replica: GatewayProcess, message: string, keyId: string): Promise<number> {
  let time: number | undefined;
  await until(async () => {
    for (const line of replica.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: string; keyId?: string; time?: number };
      if (entry.msg === message && entry.keyId === keyId) time = entry.time;
    }
    return time !== undefined;
  }, 2_000);
  return time as number;
}

async function models(url: string, key: string): Promise<number> {
  return (await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The `flaky` target's breaker state on a replica's /metrics (0 closed, 1 half-open, 2 open). */
async function breakerState(url: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^infermux_breaker_state\{provider="flaky"[^}]*\} (\d)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

async function waitForOpen(url: string, since: number): Promise<number> {
  await until(async () => (await breakerState(url)) === 2, 5_000);
  return performance.now() - since;
}
