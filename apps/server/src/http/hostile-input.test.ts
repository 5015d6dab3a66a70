import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call } from '../test-support/gateway-requests';

let fixture: GatewayFixture;
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, { defaults: { provider: 'hf' } });
});
afterAll(() => fixture?.close());

const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('caller input never yields a 5xx', () => {
  it('a deeply nested `seconds` on /v1/videos → 400', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/videos`, {
      headers: json,
      body: `{"model":"evolink:veo","prompt":"x","seconds":${deep(20_000)}}`,
    });
    expect(reply.status).toBe(400);
  });

  it('a nested array as `seconds` → 400 naming seconds', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/videos`, {
      headers: json,
      body: JSON.stringify({ model: 'evolink:veo', prompt: 'x', seconds: [[4]] }),
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error.param).toBe('seconds');
  });

  it('a body nested deeper than 64 levels → 400 naming the body', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: json,
      body: `{"model":"gpt2","messages":[{"role":"user","content":"hi"}],"x":${deep(100)}}`,
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error.param).toBe('body');
  });

  it.each([
    ['/v1/chat/completions', '{"model":"org/\\ud800x","messages":[{"role":"user","content":"hi"}]}'],
    ['/models/org/x/v1/chat/completions', '{"model":"\\udc00","messages":[{"role":"user","content":"hi"}]}'],
    ['/v1/embeddings', '{"model":"\\ud800","input":"hi"}'],
    ['/models/org/%ED%A0%80?task=text-classification', '{"inputs":"hi"}'],
  ])('a lone surrogate in a model name (%s) → 400', async (path, body) => {
    const reply = await call(`${fixture.gateway.url}${path}`, { headers: json, body });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
  });
});
