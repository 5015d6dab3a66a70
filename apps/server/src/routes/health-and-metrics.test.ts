import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call, chatBody } from '../test-support/gateway-requests';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture(
    {},
    {},
    {
      routes: { chat: { targets: [{ model: 'openai:gpt-4o-mini' }] } },
      prices: { models: { 'openai:*': { perRequest: 0.5 } } },
    },
  );
});
afterAll(() => fixture?.close());

describe('metrics, health, docs', () => {
  it('/metrics: requests by endpoint/route/provider/status/code, attempts, latency and overhead histograms, tokens, cost, breakers', async () => {
    const headers = { 'content-type': 'application/json' };
    expect((await call(`${fixture.gateway.url}/v1/chat/completions`, { headers, body: chatBody('chat') })).status).toBe(
      200,
    );
    fixture.openai.failWith({ path: '/v1/chat/completions' }, 401, {
      message: 'Incorrect API key provided.',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
    expect(
      (await call(`${fixture.gateway.url}/v1/chat/completions`, { headers, body: chatBody('openai:gpt-4o-mini') }))
        .status,
    ).toBeGreaterThanOrEqual(400);
    const metrics = await call(`${fixture.gateway.url}/metrics`, { method: 'GET' });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.text;
    expect(text).toMatch(
      /infermux_requests_total\{endpoint="\/v1\/chat\/completions",route="chat",provider="openai",status="200",error_code=""\} 1/,
    );
    expect(text).toMatch(
      /infermux_requests_total\{endpoint="\/v1\/chat\/completions",route="\(direct\)",provider="openai",status="\d+",error_code="auth_invalid_credentials"\} 1/,
    );
    expect(text).toMatch(/infermux_attempts_total\{provider="openai",outcome="ok"\} 1/);
    expect(text).toMatch(/infermux_attempts_total\{provider="openai",outcome="auth_invalid_credentials"\} 1/);
    expect(text).toMatch(/infermux_request_duration_seconds_count\{endpoint="\/v1\/chat\/completions"\} 2/);
    expect(text).toMatch(
      /infermux_gateway_overhead_seconds_bucket\{le="0.001",endpoint="\/v1\/chat\/completions"\} \d+/,
    );
    expect(text).toMatch(/infermux_tokens_total\{provider="openai",direction="output"\} \d+/);
    expect(text).toMatch(/infermux_cost_total\{provider="openai",currency="USD"\} 0.5/);
    expect(text).toMatch(/infermux_breaker_state\{provider="openai",model="gpt-4o-mini"\} 0/);
    expect(text).toContain('infermux_in_flight_requests');
    expect(text).toContain('infermux_process_resident_memory_bytes');
  });

  it('/healthz and /readyz', async () => {
    expect((await call(`${fixture.gateway.url}/healthz`, { method: 'GET' })).json()).toEqual({ status: 'ok' });
    const ready = await call(`${fixture.gateway.url}/readyz`, { method: 'GET' });
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { providers: true, storage: true, accepting: true },
    });
  });

  it("/openapi.json describes every endpoint and each task's input; /docs renders", async () => {
    const document = (await call(`${fixture.gateway.url}/openapi.json`, { method: 'GET' })).json();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/models/{model}',
        '/v1/tasks/{task}',
        '/v1/videos/{id}/content',
        '/admin/keys',
      ]),
    );
    // The request body is a component (shared with /jobs): one `anyOf` variant per task, titled with its id.
    const reference: string =
      document.paths['/v1/tasks/{task}'].post.requestBody.content['application/json'].schema.$ref;
    const variants = document.components.schemas[reference.replace('#/components/schemas/', '')].anyOf;
    expect(variants.map((variant: { title: string }) => variant.title)).toContain('zero-shot-classification');
    const docs = await call(`${fixture.gateway.url}/docs`, { method: 'GET' });
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(docs.text).toContain('/v1/embeddings');
  });
});
