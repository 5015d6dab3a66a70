import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayStore } from '../gateway-store';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from '../test-support/gateway-requests';

let fixture: GatewayFixture;
let key: string;

interface Row {
  request_id: string;
  key_name: string | null;
  endpoint: string;
  route: string | null;
  task: string | null;
  provider: string | null;
  model: string | null;
  attempts: number;
  input_tokens: number | null;
  output_tokens: number | null;
  cost: number | null;
  status: number;
  error_code: string | null;
  latency_ms: number;
  overhead_ms: number;
  streamed: number;
}

function rowFor(requestId: string): Row {
  const database = new Database(fixture.ledgerPath, { readonly: true });
  try {
    return database.prepare('SELECT * FROM usage_ledger WHERE request_id = ?').get(requestId) as Row;
  } finally {
    database.close();
  }
}

/** The row is written when the response closes, just after the client has read it. */
async function waitForRow(requestId: string): Promise<Row> {
  for (let tries = 0; tries < 100; tries++) {
    const row = rowFor(requestId);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ledger row for ${requestId}`);
}

beforeAll(async () => {
  fixture = await startGatewayFixture(
    {},
    {},
    { prices: { models: { 'openai:*': { inputPerMillionTokens: 1_000_000, outputPerMillionTokens: 2_000_000 } } } },
  );
  key = (await createKey(fixture.gateway.url, { name: 'ledger-key' })).key;
});
afterAll(() => fixture?.close());

describe('usage ledger: one row per request', () => {
  it('success: key, route, task, provider, model, attempts, tokens, cost, latency and overhead', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: chatBody('openai:gpt-4o-mini', 'count me'),
    });
    expect(reply.status).toBe(200);
    const usage = reply.json().usage;
    const row = await waitForRow(reply.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      key_name: 'ledger-key',
      endpoint: '/v1/chat/completions',
      route: 'openai:gpt-4o-mini',
      task: 'chat-completion',
      provider: 'openai',
      model: 'gpt-4o-mini',
      attempts: 1,
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      status: 200,
      error_code: null,
      streamed: 0,
    });
    expect(row.cost).toBeCloseTo(usage.prompt_tokens * 1 + usage.completion_tokens * 2, 6);
    expect(row.latency_ms).toBeGreaterThan(0);
    expect(row.overhead_ms).toBeGreaterThanOrEqual(0);
    expect(row.overhead_ms).toBeLessThanOrEqual(row.latency_ms);
  });

  it('upstream failure: status and error code, attempts counted', async () => {
    fixture.openai.failWith({ path: '/v1/chat/completions' }, 400, {
      message: 'This model maximum context length is 8 tokens',
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
    });
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: chatBody('openai:gpt-4o-mini', 'too long'),
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error.code).toBe('context_length_exceeded');
    const row = await waitForRow(reply.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      status: 400,
      error_code: 'caller_context_length_exceeded',
      provider: 'openai',
      attempts: 1,
      cost: null,
    });
  });

  it('caller mistake before any upstream call: a row with zero attempts', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: '{"model": 1',
    });
    expect(reply.status).toBe(400);
    const row = await waitForRow(reply.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 400, error_code: 'caller_invalid_input', attempts: 0, provider: null });
  });

  it('a failed request keeps the model it named: a 415 on an HF path, a 502 from the upstream', async () => {
    const refused = await call(
      `${fixture.gateway.url}/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english`,
      {
        headers: { ...bearer(key), 'content-type': 'application/xml' },
        body: '<inputs>I love this</inputs>',
      },
    );
    expect(refused.status).toBe(415);
    const fault = fixture.openai.failWith(
      { path: '/v1/chat/completions' },
      502,
      { message: 'bad gateway', type: 'upstream_error' },
      { times: Number.POSITIVE_INFINITY },
    );
    const failed = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: chatBody('openai:gpt-4o-mini@v2', 'fail me'),
    }).finally(() => fault.cancel());
    expect(failed.status).toBe(502);
    const rows = [
      await waitForRow(refused.headers.get('x-request-id')!),
      await waitForRow(failed.headers.get('x-request-id')!),
    ];
    expect(rows.map(({ status, model }) => ({ status, model }))).toEqual([
      { status: 415, model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english' },
      { status: 502, model: 'gpt-4o-mini@v2' },
    ]);
    // What `infermux usage --by model` prints: the failures are counted under their model, not "(none)".
    const store = await openGatewayStore({
      config: { server: { ledger: { path: fixture.ledgerPath, flushIntervalMs: 0 } } } as never,
    });
    try {
      const byModel = await store.usage.summary({ by: 'model' });
      expect(
        byModel.find((group) => group.group === 'distilbert/distilbert-base-uncased-finetuned-sst-2-english'),
      ).toMatchObject({ requests: 1, errors: 1 });
      expect(byModel.find((group) => group.group === 'gpt-4o-mini@v2')).toMatchObject({ requests: 1, errors: 1 });
    } finally {
      await store.close();
    }
  });

  it("streaming: one row with the stream's usage and cost", async () => {
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: chatBody('openai:gpt-4o-mini', 'stream it', { stream: true }),
    });
    expect(reply.status).toBe(200);
    expect(reply.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // The caller did not ask for usage, so none was sent to it; the ledger still has it.
    expect(reply.text).not.toContain('"usage"');
    const row = await waitForRow(reply.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 200, streamed: 1, task: 'chat-completion', provider: 'openai' });
    expect(row.output_tokens).toBeGreaterThan(0);
    expect(row.cost).toBeGreaterThan(0);
  });

  it('a stream cut after its first bytes: an in-band error event for the caller, an error row in the ledger', async () => {
    fixture.openai.server.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: 650 });
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: bearer(key),
      body: chatBody('openai:gpt-4o-mini', 'a long answer please', { stream: true }),
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toContain('"content":"You "');
    expect(reply.text).not.toContain('data: [DONE]');
    const events = reply.text.trim().split('\n\n');
    expect(JSON.parse(events.at(-1)!.slice('data: '.length)).error.message).toMatch(/stream|cut|closed/i);
    const row = await waitForRow(reply.headers.get('x-request-id')!);
    expect(row).toMatchObject({ streamed: 1, provider: 'openai', error_code: 'provider_stream_interrupted' });
  });

  it('GET /v1/usage aggregates by key, model and day; a key sees only its own', async () => {
    const byKey = await call(`${fixture.gateway.url}/v1/usage?by=key`, { method: 'GET', headers: bearer(key) });
    expect(byKey.status).toBe(200);
    expect(byKey.json().data).toEqual([expect.objectContaining({ group: 'ledger-key', requests: 7, errors: 5 })]);
    const byModel = await call(`${fixture.gateway.url}/v1/usage?by=model&since=2020-01-01`, {
      method: 'GET',
      headers: bearer(key),
    });
    expect(byModel.json().data.map((row: { group: string }) => row.group)).toContain('gpt-4o-mini');
    const bad = await call(`${fixture.gateway.url}/v1/usage?by=week`, { method: 'GET', headers: bearer(key) });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toMatch(/by: expected/);
  });

  it('openGatewayStore reads the same ledger (what `infermux usage` shows)', async () => {
    const store = await openGatewayStore({
      config: { server: { ledger: { path: fixture.ledgerPath, flushIntervalMs: 0 } } } as never,
    });
    try {
      const [day] = await store.usage.summary({ by: 'day' });
      expect(day?.requests).toBeGreaterThanOrEqual(7);
      expect((await store.keys.list()).map((item) => item.name)).toContain('ledger-key');
    } finally {
      await store.close();
    }
  });
});
