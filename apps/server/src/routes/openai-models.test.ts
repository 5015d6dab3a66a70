import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, createKey } from '../test-support/gateway-requests';

const ROUTES = {
  routes: { chat: { targets: [{ model: 'openai:gpt-4o-mini' }, { model: 'hf:meta-llama/Llama-3.1-8B-Instruct' }] } },
};

describe('GET /v1/models', () => {
  let fixture: GatewayFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('a key with allowedModels sees only what it may call, in the list and by id', async () => {
    fixture = await startGatewayFixture({}, {}, ROUTES);
    const url = fixture.gateway.url;
    const { key } = await createKey(url, { name: 'chat-only', allowedModels: ['chat', 'openai:fake-chat-1'] });
    const list = await call(`${url}/v1/models`, { method: 'GET', headers: bearer(key) });
    expect(list.status).toBe(200);
    expect(list.json().data.map((model: { id: string }) => model.id)).toEqual(['chat', 'openai:fake-chat-1']);
    expect((await call(`${url}/v1/models/chat`, { method: 'GET', headers: bearer(key) })).json()).toMatchObject({
      id: 'chat',
      owned_by: 'infermux',
    });
    // Listed for others, but not for this key: the same 404 as a model nobody lists.
    const hidden = await call(`${url}/v1/models/openai:fake-embed-1`, { method: 'GET', headers: bearer(key) });
    expect(hidden.status).toBe(404);
    expect(hidden.json().error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('a catalogue that fails is left out (and logged) while the rest is served, and is not asked again before the retry delay', async () => {
    fixture = await startGatewayFixture({}, {}, ROUTES);
    const url = fixture.gateway.url;
    fixture.openai.failWith('GET /v1/models', 500, { message: 'down', type: 'server_error' }, { times: 1 });
    const first = await call(`${url}/v1/models`, { method: 'GET' });
    expect(first.status).toBe(200);
    const ids = first.json().data.map((model: { id: string }) => model.id);
    expect(ids).toContain('chat');
    expect(ids).toContain('hf:meta-llama/Llama-3.1-8B-Instruct');
    expect(ids).not.toContain('openai:fake-chat-1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fixture.logs.text).toMatch(/listing the provider.s models failed/);
    // Cached: a second list within the retry delay does not ask the failing upstream again.
    const asked = fixture.openai.server.requests.filter((request) => request.path === '/v1/models').length;
    await call(`${url}/v1/models`, { method: 'GET' });
    expect(fixture.openai.server.requests.filter((request) => request.path === '/v1/models').length).toBe(asked);
  });
});
