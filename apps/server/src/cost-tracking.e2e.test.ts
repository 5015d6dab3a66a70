import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayStore } from './gateway-store';
import { openDatabase } from './ledger/open-database';
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from './test-support/gateway-requests';

// Issue #20: costs from real sources, unknown shown as unknown (never 0), budgets on catalogue prices.
let fixture: GatewayFixture;
let chatUrl: string;
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';

beforeAll(async () => {
  // No configured prices: the HF router's model list (the fake's) prices routed chat; nothing prices the
  // OpenAI-compatible fake.
  fixture = await startGatewayFixture();
  chatUrl = `${fixture.gateway.url}/v1/chat/completions`;
});
afterAll(() => fixture?.close());

async function ledgerOf(keyName: string) {
  const store = await openGatewayStore({ config: { server: { ledger: { path: fixture.ledgerPath } } } as never });
  const database = openDatabase(fixture.ledgerPath);
  try {
    return {
      rows: database
        .prepare('SELECT cost, cost_source AS costSource FROM usage_ledger WHERE key_name = ? ORDER BY ts')
        .all(keyName) as Array<{ cost: number | null; costSource: string | null }>,
      summary: (await store.usage.summary({ by: 'key' })).find((row) => row.group === keyName),
    };
  } finally {
    database.close();
    await store.close();
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

describe('cost tracking through the gateway', () => {
  it('an unpriced model is unknown in the ledger and /v1/usage, not 0, and counted', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'unpriced' });
    const reply = await call(chatUrl, { headers: bearer(key), body: chatBody('openai:gpt-4o-mini') });
    expect(reply.status).toBe(200);
    await settle();
    const ledger = await ledgerOf('unpriced');
    expect(ledger.rows).toEqual([{ cost: null, costSource: 'unknown' }]);
    expect(ledger.summary).toMatchObject({ requests: 1, cost: null, unknownCostRequests: 1 });
    const usage = await call(`${fixture.gateway.url}/v1/usage?by=key`, {
      method: 'GET',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(usage.json().data.find((row: { group: string }) => row.group === 'unpriced')).toMatchObject({
      cost: null,
      unknownCostRequests: 1,
    });
    const metrics = await (await fetch(`${fixture.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/infermux_cost_unknown_requests_total\{provider="openai"\} [1-9]/);
  });

  it('a key with a budget is refused an unpriced model before any upstream call (unknownCost: reject, the default)', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'careful', budget: { amount: 1, period: 'total' } });
    const before = fixture.openai.server.requests.length;
    const refused = await call(chatUrl, { headers: bearer(key), body: chatBody('openai:gpt-4o-mini') });
    expect(refused.status).toBe(402);
    expect(refused.json().error).toMatchObject({ code: 'policy_cost_unknown' });
    expect(fixture.openai.server.requests.length).toBe(before);
  });

  it('a budget stops spend when prices come from the router catalogue', async () => {
    const budget = 0.00002;
    const { key } = await createKey(fixture.gateway.url, {
      name: 'catalogued',
      budget: { amount: budget, period: 'total' },
    });
    const body = chatBody(`hf:${LLAMA}:together`, 'hello', { max_tokens: 16 });
    const statuses: number[] = [];
    for (let index = 0; index < 40 && statuses.at(-1) !== 402; index++) {
      const reply = await call(chatUrl, { headers: bearer(key), body });
      statuses.push(reply.status);
      if (reply.status === 200) expect(reply.headers.get('x-request-id')).toBeTruthy();
    }
    expect(statuses.at(-1)).toBe(402);
    const answered = statuses.filter((status) => status === 200).length;
    expect(answered).toBeGreaterThanOrEqual(2);
    await settle();
    const { rows, summary } = await ledgerOf('catalogued');
    expect(rows.filter((row) => row.cost !== null).map((row) => row.costSource)).toEqual(
      Array(answered).fill('catalogue'),
    );
    expect(summary?.unknownCostRequests).toBe(0);
    const perCall = (summary?.cost ?? 0) / answered;
    expect(perCall).toBeGreaterThan(0);
    expect(summary?.cost ?? 0).toBeLessThanOrEqual(budget + perCall + 1e-12);
  });
});

describe('unknownCost: estimate', () => {
  let estimating: GatewayFixture;
  beforeAll(async () => {
    estimating = await startGatewayFixture({ admission: { unknownCost: 'estimate', unknownCostCeiling: 0.01 } });
  });
  afterAll(() => estimating?.close());

  it('charges each unpriced call the ceiling against the budget, and the ledger still shows it unknown', async () => {
    const { key } = await createKey(estimating.gateway.url, {
      name: 'ceiling',
      budget: { amount: 0.025, period: 'total' },
    });
    const url = `${estimating.gateway.url}/v1/chat/completions`;
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) {
      statuses.push((await call(url, { headers: bearer(key), body: chatBody('openai:gpt-4o-mini') })).status);
      await settle();
    }
    // 0.01 + 0.01 fit in 0.025; a third would reserve 0.03.
    expect(statuses).toEqual([200, 200, 402, 402]);
    const database = openDatabase(estimating.ledgerPath);
    try {
      const rows = database
        .prepare("SELECT cost, cost_source AS costSource FROM usage_ledger WHERE key_name = 'ceiling' AND status = 200")
        .all();
      expect(rows).toEqual([
        { cost: null, costSource: 'unknown' },
        { cost: null, costSource: 'unknown' },
      ]);
    } finally {
      database.close();
    }
  });
});
