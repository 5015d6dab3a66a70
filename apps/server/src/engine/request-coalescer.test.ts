import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call } from '../test-support/gateway-requests';

const MODEL = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const json = { 'content-type': 'application/json' };
let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture(
    // A batch goes as soon as it is full: 16 callers make one, however slowly the machine lets them arrive.
    { coalesce: { windowMs: 1_000, maxBatchSize: 16 } },
    {},
    { prices: { models: { 'hf-sentiment:*': { perRequest: 0.016 } } } },
    { hfEndpoints: [{ name: 'sentiment', model: MODEL, takesLists: true }] },
  );
  // A first request warms the gateway's code paths, so the 16 below arrive within one window.
  await classify('warm-up');
});
afterAll(() => fixture?.close());

function classify(text: string, parameters?: object, model = `hf-sentiment:${MODEL}`) {
  return call(`${fixture.gateway.url}/v1/tasks/text-classification`, {
    headers: json,
    body: JSON.stringify({ model, input: parameters ? { inputs: text, parameters } : { inputs: text } }),
  });
}

/** The lists (or single texts) the endpoint received since `from`. */
function upstreamInputs(from: number): unknown[] {
  return fixture.hf.server.requests
    .slice(from)
    .filter((request) => request.path === '/endpoints/sentiment')
    .map((request) => request.json<{ inputs: unknown }>().inputs);
}

interface Row {
  request_id: string;
  task: string;
  provider: string;
  status: number;
  cost: number;
}

async function rows(ids: string[]): Promise<Row[]> {
  for (let tries = 0; tries < 100; tries++) {
    const database = new Database(fixture.ledgerPath, { readonly: true });
    try {
      const found = ids.map(
        (id) => database.prepare('SELECT * FROM usage_ledger WHERE request_id = ?').get(id) as Row | undefined,
      );
      if (found.every(Boolean)) return found as Row[];
    } finally {
      database.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('ledger rows missing');
}

describe('gateway coalescing (server.coalesce)', () => {
  it('16 concurrent callers: one upstream call, each caller its own answer and its own ledger row', async () => {
    const from = fixture.hf.server.requests.length;
    const texts = Array.from({ length: 16 }, (_, index) =>
      index % 2 ? `caller ${index} says I love it` : `caller ${index}: terrible`,
    );
    const replies = await Promise.all(texts.map((text) => classify(text)));
    expect(replies.map((reply) => reply.status)).toEqual(texts.map(() => 200));
    const calls = upstreamInputs(from);
    expect(calls).toHaveLength(1);
    expect([...(calls[0] as string[])].sort()).toEqual([...texts].sort());
    // Each caller gets the answer to its own text.
    const labels = replies.map((reply) => reply.json<{ output: Array<{ label: string }> }>().output[0]?.label);
    expect(labels).toEqual(texts.map((_, index) => (index % 2 ? 'POSITIVE' : 'NEGATIVE')));
    // One row per caller, each with its share of the one call's cost (by its text's length).
    const ids = replies.map((reply) => reply.headers.get('x-request-id') as string);
    expect(new Set(ids).size).toBe(16);
    const ledger = await rows(ids);
    expect(ledger.every((row) => row.task === 'text-classification' && row.provider === 'hf-sentiment')).toBe(true);
    expect(ledger.every((row) => row.status === 200)).toBe(true);
    const total = texts.reduce((sum, text) => sum + text.length, 0);
    ledger.forEach((row, index) => {
      expect(row.cost).toBeCloseTo((0.016 * (texts[index] as string).length) / total, 10);
    });
    expect(ledger.reduce((sum, row) => sum + row.cost, 0)).toBeCloseTo(0.016, 10);
  });

  it('never mixes models, revisions or parameters in one upstream call', async () => {
    const from = fixture.hf.server.requests.length;
    const replies = await Promise.all([
      classify('a love'),
      classify('b love'),
      classify('c love', { top_k: 2 }),
      classify('d love', { top_k: 2 }),
      classify('e love', undefined, `hf-sentiment:${MODEL}@main`),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    const calls = fixture.hf.server.requests
      .slice(from)
      .filter((request) => request.path === '/endpoints/sentiment')
      .map((request) => JSON.stringify(request.json()));
    expect(calls.sort()).toEqual(
      [
        JSON.stringify({ inputs: ['a love', 'b love'] }),
        JSON.stringify({ inputs: ['c love', 'd love'], parameters: { top_k: 2 } }),
        JSON.stringify({ inputs: 'e love' }),
      ].sort(),
    );
    expect(replies[2]?.json<{ output: unknown[] }>().output).toHaveLength(2);
  });
});
