import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../ledger/open-database';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { chatBody } from '../test-support/gateway-requests';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({ shutdown: { drainMs: 100 } });
});
afterAll(() => fixture?.close());

describe('shutdown', () => {
  it('a stream cut at the drain deadline is booked 503 gateway_shutdown, not 499', async () => {
    fixture.openai.server.fault(
      { path: '/v1/chat/completions' },
      { kind: 'stall-mid-stream', afterBytes: 1200, ms: 5000 },
    );
    const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_cut-by-shutdown' },
      body: chatBody('openai:gpt-4o-mini', 'a long answer please', { stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await fixture.gateway.close();
    await reader.read().catch(() => undefined);
    const database = openDatabase(fixture.ledgerPath);
    const row = database
      .prepare('SELECT status, error_code FROM usage_ledger WHERE request_id = ?')
      .get('req_cut-by-shutdown') as { status: number; error_code: string };
    database.close();
    expect(row).toEqual({ status: 503, error_code: 'gateway_shutdown' });
  });
});
