import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, createKey } from '../test-support/gateway-requests';

// Issue #17: a job's cost lands after its submission answers, so its quote is held against the key's
// budget until the job settles. EvoLink's fake holds 1.8 credits per image; the shipped table prices a
// credit at $0.001, so one quote is $0.0018.
const QUOTE = 0.0018;
const submitUrl = (fixture: GatewayFixture) => `${fixture.gateway.url}/v1/tasks/image-generation/jobs`;
const submitBody = (index: number) =>
  JSON.stringify({ model: 'evolink:gpt-4o-image', input: { prompt: `lighthouse ${index}` } });

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture();
});
afterAll(() => fixture?.close());

describe('job quotes held against budgets', () => {
  it('N concurrent submissions against a budget that fits K quotes: exactly K accepted, the rest 402', async () => {
    const fits = 3;
    const { key } = await createKey(fixture.gateway.url, {
      name: 'jobs',
      // Room for 3 quotes and a half: the fourth must not start on the strength of the half.
      budget: { amount: QUOTE * (fits + 0.5), period: 'total' },
    });
    const upstreamSubmissions = () =>
      fixture.evolink.server.requests.filter((request) => request.method === 'POST').length;
    const before = upstreamSubmissions();
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        call(submitUrl(fixture), { headers: bearer(key), body: submitBody(index) }),
      ),
    );
    const accepted = replies.filter((reply) => reply.status === 202);
    const refused = replies.filter((reply) => reply.status === 402);
    expect(accepted.length).toBe(fits);
    expect(refused.length).toBe(12 - fits);
    expect(upstreamSubmissions() - before).toBe(fits);
    for (const reply of refused) {
      // The native wire's error: the typed error with its status and the request id to quote.
      expect(reply.json()).toEqual({
        error: expect.objectContaining({
          code: 'policy_budget_exceeded',
          status: 402,
          message: expect.stringContaining('budget'),
          gatewayRequestId: reply.headers.get('x-request-id'),
        }),
      });
    }

    // The jobs settle with no final charge reported: their quotes stay on the budget, which stays closed.
    for (const reply of accepted) {
      let state = reply.json().state as string;
      for (let polls = 0; polls < 10 && state !== 'succeeded' && state !== 'failed'; polls++) {
        state = (
          await call(`${fixture.gateway.url}/v1/jobs/${reply.json().id}`, { method: 'GET', headers: bearer(key) })
        ).json().state;
      }
      expect(state).toBe('succeeded');
    }
    const after = await call(submitUrl(fixture), { headers: bearer(key), body: submitBody(99) });
    expect(after.status).toBe(402);
  });
});
