import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture, UPSTREAM_OPENAI_KEY } from '../test-support/gateway-fixture';
import { call, chatBody } from '../test-support/gateway-requests';

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
});
