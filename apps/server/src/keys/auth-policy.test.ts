import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfermuxError, serverConfigSchema } from '@infermux/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openGatewayStore } from '../gateway-store';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody } from '../test-support/gateway-requests';
import { AuthPolicy, isLoopbackHost } from './auth-policy';

const settings = (extra: Record<string, unknown> = {}) => serverConfigSchema.parse(extra);

function refusal(run: () => unknown): InfermuxError {
  try {
    run();
  } catch (error) {
    if (InfermuxError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the start to be refused');
}

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.4', false],
    ['example.com', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('AuthPolicy', () => {
  it('a network bind always needs a key, even after the last one is gone', () => {
    const policy = AuthPolicy.forBind(settings(), '0.0.0.0', 1);
    expect(policy.requiresKey(1)).toBe(true);
    expect(policy.requiresKey(0)).toBe(true);
  });

  it('loopback with no key is open until a key exists', () => {
    const policy = AuthPolicy.forBind(settings(), '127.0.0.1', 0);
    expect(policy.requiresKey(0)).toBe(false);
    expect(policy.requiresKey(1)).toBe(true);
  });

  it('starting on 0.0.0.0 with no key is refused, saying how to add one (no silent rebinding)', () => {
    const error = refusal(() => AuthPolicy.forBind(settings(), '0.0.0.0', 0));
    expect(error.code).toBe('caller_invalid_input');
    expect(error.details?.field).toBe('server.host');
    expect(error.message).toContain('infermux keys create');
  });

  it('auth: none on a network bind needs allowUnauthenticatedNetwork in so many words', () => {
    const error = refusal(() => AuthPolicy.forBind(settings({ auth: 'none' }), '0.0.0.0', 3));
    expect(error.details?.field).toBe('server.auth');
    const open = AuthPolicy.forBind(settings({ auth: 'none', allowUnauthenticatedNetwork: true }), '0.0.0.0', 3);
    expect(open.requiresKey(3)).toBe(false);
    expect(AuthPolicy.forBind(settings({ auth: 'none' }), '127.0.0.1', 0).requiresKey(5)).toBe(false);
  });
});

describe('a gateway bound to 0.0.0.0', () => {
  let fixture: GatewayFixture | undefined;
  const directory = mkdtempSync(join(tmpdir(), 'infermux-auth-'));
  afterEach(async () => {
    await fixture?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers 401 to everyone once its last key is revoked (never opens)', async () => {
    const path = join(directory, 'gateway.sqlite');
    const store = await openGatewayStore({ config: { server: serverConfigSchema.parse({ ledger: { path } }) } });
    const { id, key } = await store.keys.create({ name: 'only' });
    await store.close();
    fixture = await startGatewayFixture({ host: '0.0.0.0', ledger: { path, flushIntervalMs: 0 } });
    const base = `http://127.0.0.1:${fixture.gateway.port}`;
    const chat = `${base}/v1/chat/completions`;
    expect((await call(chat, { headers: bearer(key), body: chatBody() })).status).toBe(200);
    expect((await call(chat, { headers: { 'content-type': 'application/json' }, body: chatBody() })).status).toBe(401);

    const revoker = await openGatewayStore({ config: { server: serverConfigSchema.parse({ ledger: { path } }) } });
    await revoker.keys.revoke(id);
    await revoker.close();
    // Another process's revocation is seen within the registry's refresh interval (documented: 250 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call(chat, { headers: bearer(key), body: chatBody() })).status).toBe(401);
    expect((await call(chat, { headers: { 'content-type': 'application/json' }, body: chatBody() })).status).toBe(401);
    expect((await call(`${base}/v1/usage`, { method: 'GET' })).status).toBe(401);
  });
});
