import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayStore } from '../gateway-store';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';
import { CENT_PER_CHAT_CONFIG, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from '../test-support/gateway-requests';
import { InMemoryAdmissionStore } from './in-memory-admission-store';
import { KeyAdmission } from './key-admission';

let fixture: GatewayFixture;
let chatUrl: string;

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, CENT_PER_CHAT_CONFIG);
  chatUrl = `${fixture.gateway.url}/v1/chat/completions`;
});
afterAll(() => fixture?.close());

function upstreamChats(): number {
  return fixture.openai.server.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
}

async function burst(key: string, body: string, count = 100): Promise<number[]> {
  // A slow upstream keeps every admitted request in flight together (the case a spend-only check lets through).
  const slow = fixture.openai.server.fault(
    { path: '/v1/chat/completions' },
    { kind: 'delay-headers', ms: 200 },
    { times: Number.POSITIVE_INFINITY },
  );
  const replies = await Promise.all(Array.from({ length: count }, () => call(chatUrl, { headers: bearer(key), body })));
  slow.cancel();
  // Rows and settlements are written when each response closes.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return replies.map((reply) => reply.status);
}

async function usageOf(name: string) {
  const store = await openGatewayStore({ config: { server: { ledger: { path: fixture.ledgerPath } } } as never });
  try {
    return (await store.usage.summary({ by: 'key' })).find((row) => row.group === name);
  } finally {
    await store.close();
  }
}

describe('admission reservations under concurrency', () => {
  it('100 concurrent requests against a budget that fits 5: spend ≤ budget + one request, the rest 402 before any upstream call', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'five', budget: { amount: 0.05, period: 'total' } });
    const before = upstreamChats();
    const statuses = await burst(key, chatBody());
    const answered = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 402)).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(1);
    const spent = (await usageOf('five'))?.cost ?? 0;
    expect(spent).toBeLessThanOrEqual(0.05 + 0.01 + 1e-9);
    expect(upstreamChats() - before).toBe(answered);
  });

  it('100 concurrent requests against a tpm limit: tokens used ≤ limit + one request, the rest 429', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'tpm', tpm: 100 });
    const body = chatBody('openai:gpt-4o-mini', 'hello', { max_tokens: 10 });
    const statuses = await burst(key, body);
    const answered = statuses.filter((status) => status === 200).length;
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(1);
    const usage = await usageOf('tpm');
    const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    const perRequest = tokens / answered;
    expect(tokens).toBeLessThanOrEqual(100 + perRequest);
  });

  it('a failed request releases its reservation', async () => {
    const { key } = await createKey(fixture.gateway.url, {
      name: 'released',
      budget: { amount: 0.01, period: 'total' },
    });
    fixture.openai.failWith({ path: '/v1/chat/completions' }, 400, { message: 'bad', type: 'invalid_request_error' });
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(400);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(402);
  });
});

describe('what a key meters', () => {
  const plain: GatewayKey = { id: 'k', name: 'k', prefix: 'imx_', createdAt: 0, source: 'store' };
  const budget = { amount: 1, period: 'day' } as const;

  it('nothing without a tpm or a budget of its own or by default: the gateway then reserves and settles nothing', () => {
    expect(new KeyAdmission(new InMemoryAdmissionStore(), {}, {} as UsageLedger).meters(plain)).toBe(false);
    expect(new KeyAdmission(new InMemoryAdmissionStore(), { rpm: 5 }, {} as UsageLedger).meters(plain)).toBe(false);
  });

  it('a tpm or a budget, the key’s own or the default', () => {
    const none = new KeyAdmission(new InMemoryAdmissionStore(), {}, {} as UsageLedger);
    expect(none.meters({ ...plain, tpm: 100 })).toBe(true);
    expect(none.meters({ ...plain, budget })).toBe(true);
    expect(new KeyAdmission(new InMemoryAdmissionStore(), { tpm: 100 }, {} as UsageLedger).meters(plain)).toBe(true);
    expect(new KeyAdmission(new InMemoryAdmissionStore(), { budget }, {} as UsageLedger).meters(plain)).toBe(true);
  });
});

describe('a budget whose spend cannot be read', () => {
  it('is refused with 503 gateway_state_unavailable (fail closed), not a 500, and a later read recovers', async () => {
    let down = true;
    const ledger = {
      spentSince: async () => {
        if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return 0;
      },
    } as unknown as UsageLedger;
    const admission = new KeyAdmission(new InMemoryAdmissionStore(), {}, ledger);
    const key: GatewayKey = {
      id: 'k',
      name: 'k',
      prefix: 'imx_',
      createdAt: 0,
      source: 'store',
      budget: { amount: 1, period: 'day' },
    };
    await expect(admission.admit(key)).rejects.toMatchObject({ code: 'gateway_state_unavailable', status: 503 });
    down = false;
    await expect(admission.admit(key)).resolves.toBeUndefined();
  });
});
