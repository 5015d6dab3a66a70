import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody } from '../test-support/gateway-requests';
import { hasRedisServer, startOwnRedis } from '../test-support/own-redis';

const canRun = await hasRedisServer();
if (!canRun) {
  if (process.env.CI === 'true') throw new Error('redis-server is not on the PATH: CI requires it');
  console.warn('skipping the Redis outage tests: no redis-server binary on the PATH');
}

const KEYS = {
  LIMITED: 'imx-test-limited-0123456789abcdef',
  BUDGETED: 'imx-test-budgeted-0123456789abcdef',
  SMALL: 'imx-test-small-0123456789abcdef',
};

describe.skipIf(!canRun)('Redis lost mid-run and back (state.onUnavailable: limits local, budgets reject)', () => {
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let fixture: GatewayFixture;
  const chat = (key: string) =>
    call(`${fixture.gateway.url}/v1/chat/completions`, { headers: bearer(key), body: chatBody() });
  const logged = (text: string) =>
    fixture.logs.lines.filter((line) => (JSON.parse(line) as { msg: string }).msg.startsWith(text)).length;
  const metric = async (pattern: RegExp) =>
    Number(pattern.exec(await (await fetch(`${fixture.gateway.url}/metrics`)).text())?.[1]);

  beforeAll(async () => {
    redis = await startOwnRedis();
    fixture = await startGatewayFixture(
      {
        keys: [
          { name: 'limited', keyEnv: 'LIMITED', rpm: 1000 },
          { name: 'budgeted', keyEnv: 'BUDGETED', budget: { amount: 100, period: 'total' } },
          { name: 'small', keyEnv: 'SMALL', rpm: 3 },
        ],
        state: { redis: redis.url },
      },
      KEYS,
      { prices: { version: 'test-1', models: { 'openai:gpt-4o-mini': { perRequest: 0.01 } } } },
    );
  }, 30_000);
  let closed = false;
  afterAll(async () => {
    if (!closed) await fixture?.close();
    await redis?.stop();
  });

  it('serves limits locally and refuses budgets with 503 while down, logs each transition once, recovers', async () => {
    expect((await chat(KEYS.LIMITED)).status).toBe(200);
    expect((await chat(KEYS.BUDGETED)).status).toBe(200);

    await redis.stop();
    const limited = await Promise.all(Array.from({ length: 5 }, () => chat(KEYS.LIMITED)));
    expect(limited.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    const budgeted = await Promise.all(Array.from({ length: 5 }, () => chat(KEYS.BUDGETED)));
    expect(budgeted.map((reply) => reply.status)).toEqual([503, 503, 503, 503, 503]);
    expect(budgeted[0]?.json().error).toMatchObject({ code: 'gateway_state_unavailable' });
    // Local limits still hold in this process: 3 a minute.
    const small = await Promise.all(Array.from({ length: 5 }, () => chat(KEYS.SMALL)));
    expect(small.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 429, 429]);
    expect(logged('shared state (Redis) unreachable')).toBe(1);
    expect(await metric(/^infermux_state_available (\d+)$/m)).toBe(0);
    expect(await metric(/^infermux_state_fallbacks_total\{concern="budgets",outcome="rejected"\} (\d+)$/m)).toBe(5);
    expect(
      await metric(/^infermux_state_fallbacks_total\{concern="limits",outcome="local"\} (\d+)$/m),
    ).toBeGreaterThanOrEqual(10);

    await redis.start();
    const deadline = Date.now() + 10_000;
    while ((await chat(KEYS.BUDGETED)).status !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await sleep(50);
    }
    expect(logged('shared state (Redis) unreachable')).toBe(1);
    expect(logged('shared state (Redis) reachable again')).toBe(1);
    expect(await metric(/^infermux_state_available (\d+)$/m)).toBe(1);
    expect(await metric(/^infermux_state_transitions_total\{available="false"\} (\d+)$/m)).toBe(1);
  }, 60_000);

  it('shutting the gateway down is not logged as an outage', async () => {
    closed = true;
    await fixture.close();
    expect(logged('shared state (Redis) unreachable')).toBe(1);
  });
});
