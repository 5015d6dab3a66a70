import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayStore } from '../gateway-store';
import {
  ADMIN_TOKEN,
  CENT_PER_CHAT_CONFIG,
  type GatewayFixture,
  startGatewayFixture,
} from '../test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from '../test-support/gateway-requests';

let fixture: GatewayFixture;
let chatUrl: string;
let mainKey: string;

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, CENT_PER_CHAT_CONFIG);
  chatUrl = `${fixture.gateway.url}/v1/chat/completions`;
  mainKey = (await createKey(fixture.gateway.url, { name: 'main' })).key;
});
afterAll(() => fixture?.close());

describe('gateway keys', () => {
  it('a created key works; it is imx_-prefixed and only its hash is stored', async () => {
    expect(mainKey).toMatch(/^imx_[A-Za-z0-9_-]{32}$/);
    const reply = await call(chatUrl, { headers: bearer(mainKey), body: chatBody() });
    expect(reply.status).toBe(200);
    const listed = await call(`${fixture.gateway.url}/admin/keys`, { method: 'GET', headers: bearer(ADMIN_TOKEN) });
    expect(listed.text).not.toContain(mainKey);
    expect(listed.json().data.find((key: { name: string }) => key.name === 'main')).toMatchObject({
      prefix: `${mainKey.slice(0, 8)}…`,
    });
  });

  it('missing key → 401 in the OpenAI shape', async () => {
    const reply = await call(chatUrl, { headers: { 'content-type': 'application/json' }, body: chatBody() });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({
      error: {
        message: expect.stringContaining('Missing gateway key'),
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
        request_id: reply.headers.get('x-request-id'),
      },
    });
    expect(reply.headers.get('x-request-id')).toMatch(/^req_/);
    expect(reply.headers.get('x-infermux-overhead-ms')).not.toBeNull();
  });

  it('invalid key → 401; a provider token is not a gateway key', async () => {
    for (const key of ['imx_wrongwrongwrongwrongwrongwrongwr', 'sk-upstreamSecret01234']) {
      const reply = await call(chatUrl, { headers: bearer(key), body: chatBody() });
      expect(reply.status).toBe(401);
      expect(reply.json().error.message).toBe('Invalid or revoked gateway key.');
    }
  });

  it('revoked key → 401 at once', async () => {
    const { id, key } = await createKey(fixture.gateway.url, { name: 'short-lived' });
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    const revoked = await call(`${fixture.gateway.url}/admin/keys/${id}`, {
      method: 'DELETE',
      headers: bearer(ADMIN_TOKEN),
    });
    expect(revoked.status).toBe(200);
    expect(revoked.json().revokedAt).toEqual(expect.any(Number));
    const after = await call(chatUrl, { headers: bearer(key), body: chatBody() });
    expect(after.status).toBe(401);
  });

  it('over the requests-per-minute limit → 429 with Retry-After, in the wire format of the route called', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'slow', rpm: 2 });
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    const limited = await call(chatUrl, { headers: bearer(key), body: chatBody() });
    expect(limited.status).toBe(429);
    expect(limited.json().error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(limited.json().error.message).toMatch(/over its limit of 2 requests per minute/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    // The same key on an HF route: HF's `{"error": "..."}` shape.
    const hf = await call(
      `${fixture.gateway.url}/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english?task=text-classification`,
      {
        headers: bearer(key),
        body: JSON.stringify({ inputs: 'x' }),
      },
    );
    expect(hf.status).toBe(429);
    expect(hf.json()).toEqual({ error: expect.stringMatching(/over its limit/) });
  });

  it('over budget → 402 with a clear message once the next request would not fit (costs from the price table)', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'thrifty', budget: { amount: 0.015, period: 'day' } });
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200); // spent 0.01
    // A second request would cost 0.01 more (0.02 > 0.015): refused before any upstream call, never overspent.
    const refused = await call(chatUrl, { headers: bearer(key), body: chatBody() });
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-should-retry')).toBe('false');
    expect(refused.json().error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(refused.json().error.message).toMatch(
      /has spent or reserved \$0\.0100 of its \$0\.015 per-day budget and this request may cost up to \$0\.0100/,
    );
  });

  it('allowed models: another model → 403', async () => {
    const { key } = await createKey(fixture.gateway.url, { name: 'narrow', allowedModels: ['openai:gpt-4o-mini'] });
    expect((await call(chatUrl, { headers: bearer(key), body: chatBody('openai:gpt-4o-mini') })).status).toBe(200);
    const refused = await call(chatUrl, { headers: bearer(key), body: chatBody('openai:gpt-4o') });
    expect(refused.status).toBe(403);
    expect(refused.json().error).toMatchObject({ type: 'permission_error', param: 'model' });
  });

  it("an upstream refusing the gateway's provider token is a 502 (not the caller's 401)", async () => {
    fixture.openai.failWith({ path: '/v1/chat/completions' }, 401, {
      message: 'Incorrect API key provided.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
    const reply = await call(chatUrl, { headers: bearer(mainKey), body: chatBody() });
    expect(reply.status).toBe(502);
    expect(reply.headers.get('x-should-retry')).toBe('false');
    expect(reply.json().error).toMatchObject({ type: 'server_error', code: 'auth_invalid_credentials' });
  });

  it('the admin API needs the admin token; bad key options name the field', async () => {
    expect((await call(`${fixture.gateway.url}/admin/keys`, { method: 'GET' })).status).toBe(401);
    expect((await call(`${fixture.gateway.url}/admin/keys`, { method: 'GET', headers: bearer(mainKey) })).status).toBe(
      401,
    );
    const bad = await call(`${fixture.gateway.url}/admin/keys`, {
      headers: bearer(ADMIN_TOKEN),
      body: JSON.stringify({ name: 'x', rpm: 'fast' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toMatch(/rpm/);
  });

  it('keys created and revoked by another process (`infermux keys`) take effect within a second', async () => {
    const store = await openGatewayStore({ config: { server: { ledger: { path: fixture.ledgerPath } } } as never });
    try {
      const { id, key } = await store.keys.create({ name: 'from-cli' });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(200);
      await store.keys.revoke(id);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await call(chatUrl, { headers: bearer(key), body: chatBody() })).status).toBe(401);
    } finally {
      await store.close();
    }
  });

  it('neither keys nor tokens reach the logs', () => {
    expect(fixture.logs.text).toContain('gateway key created');
    expect(fixture.logs.text).not.toContain(mainKey);
    expect(fixture.logs.text).not.toContain(ADMIN_TOKEN);
    expect(fixture.logs.text).not.toContain('sk-upstreamSecret01234');
  });
});
