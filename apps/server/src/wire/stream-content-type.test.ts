import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture, UPSTREAM_OPENAI_KEY } from '../test-support/gateway-fixture';
import { call, chatBody } from '../test-support/gateway-requests';
import { waitForLedgerRow } from '../test-support/ledger-rows';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture();
});
afterAll(() => fixture?.close());

describe('stream relay', () => {
  it.each([
    ['application/json', JSON.stringify({ echoed: { authorization: `Bearer ${UPSTREAM_OPENAI_KEY}` } })],
    ['text/plain', `authorization: Bearer ${UPSTREAM_OPENAI_KEY}\n`],
  ])('a %s body answering a streamed chat is never relayed (mapped, redacted error)', async (contentType, body) => {
    fixture.openai.server.fault(
      { path: '/v1/chat/completions' },
      { kind: 'status', status: 200, body, headers: { 'content-type': contentType } },
      { times: 10 },
    );
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json' },
      body: chatBody('openai:gpt-4o-mini', 'hi', { stream: true }),
    });
    fixture.openai.server.reset();
    expect(reply.text).not.toContain(UPSTREAM_OPENAI_KEY);
    expect(reply.text).not.toContain('echoed');
    expect(reply.status).toBeGreaterThanOrEqual(500);
    expect(reply.headers.get('x-infermux-error-code')).toBe('provider_bad_response');
  });

  it.each([
    ['a chat chunk cut short', `data: {"choices":[{"delta":{"content":"GARBAGE ${UPSTREAM_OPENAI_KEY}`],
    ['an HTML error page', `<html>GARBAGE authorization: Bearer ${UPSTREAM_OPENAI_KEY}</html>`],
    ['JSON that is not a chat chunk', `data: {"GARBAGE":"${UPSTREAM_OPENAI_KEY}"}`],
  ])(
    '%s mid-stream: frames before it, then a typed in-band error, and an error row; never the frame',
    async (name, frame) => {
      fixture.openai.server.fault(
        { path: '/v1/chat/completions' },
        { kind: 'inject-bytes', afterEvents: 2, bytes: `${frame}\n\n` },
      );
      const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
        headers: { 'content-type': 'application/json' },
        // A model per case: the bad answers before count against gpt-4o-mini's breaker.
        body: chatBody(`openai:frames-${name.length}`, 'a long answer please', { stream: true }),
      });
      expect(reply.status, reply.text).toBe(200);
      expect(reply.text).not.toContain('GARBAGE');
      expect(reply.text).not.toContain(UPSTREAM_OPENAI_KEY);
      expect(reply.text).not.toContain('[DONE]');
      const events = reply.text.trim().split('\n\n');
      expect(events.length).toBe(3);
      expect(JSON.parse(events[1]!.slice('data: '.length)).choices).toBeInstanceOf(Array);
      expect(JSON.parse(events[2]!.slice('data: '.length)).error).toMatchObject({ code: 'provider_bad_response' });
      const row = await waitForLedgerRow(fixture.ledgerPath, reply.headers.get('x-request-id')!);
      expect(row).toMatchObject({ streamed: 1, provider: 'openai', error_code: 'provider_bad_response' });
    },
  );
});
