import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './start-gateway';
import { type GatewayFixture, LogCapture, startGatewayFixture } from './test-support/gateway-fixture';
import { call, chatBody } from './test-support/gateway-requests';

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
    const variants = document.paths['/v1/tasks/{task}'].post.requestBody.content['application/json'].schema.oneOf;
    expect(variants.map((variant: { title: string }) => variant.title)).toContain('zero-shot-classification');
    const docs = await call(`${fixture.gateway.url}/docs`, { method: 'GET' });
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(docs.text).toContain('/v1/embeddings');
  });
});

describe('start-up', () => {
  it('rejects a bad config with the path and the reason', async () => {
    await expect(startGateway({ config: { server: { port: 'eighty' } } })).rejects.toThrow(
      /server\.port: expected a port number/,
    );
    await expect(startGateway({ config: { server: { colour: 'blue' } } })).rejects.toThrow(
      /server: Unrecognized key: "colour"/,
    );
    await expect(
      startGateway({ config: { server: { keys: [{ name: 'ci', keyEnv: 'CI_GATEWAY_KEY' }] } }, env: {} }),
    ).rejects.toThrow(/CI_GATEWAY_KEY, which is not set/);
  });

  it('with no keys a 0.0.0.0 start is refused (saying how to add a key, no silent rebinding); loopback starts open, and says so; no provider token or service needed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'infermux-start-'));
    const logs = new LogCapture();
    const ledger = { path: join(directory, 'g.sqlite') };
    await expect(
      startGateway({ config: { server: { host: '0.0.0.0', port: 0, ledger } }, env: {}, logDestination: logs }),
    ).rejects.toMatchObject({ code: 'caller_invalid_input', message: expect.stringContaining('infermux keys create') });
    const gateway = await startGateway({
      config: { server: { host: '127.0.0.1', port: 0, ledger } },
      env: {},
      logDestination: logs,
    });
    try {
      expect(gateway.host).toBe('127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logs.text).toMatch(/requests need no key: loopback and no gateway key exists yet/);
      const ready = await call(`${gateway.url}/readyz`, { method: 'GET' });
      expect(ready.json().providers).toEqual(expect.arrayContaining(['hf', 'evolink']));
    } finally {
      await gateway.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("env overrides: each factory's declared variables set base URL and token (no config entry needed)", async () => {
    const hf = await startFakeHf();
    const directory = mkdtempSync(join(tmpdir(), 'infermux-start-'));
    const logs = new LogCapture();
    const gateway = await startGateway({
      config: { server: { port: 0, ledger: { path: join(directory, 'g.sqlite') } } },
      env: { HF_BASE_URL: hf.url, HF_TOKEN: FAKE_HF_VALID_TOKEN },
      logDestination: logs,
    });
    try {
      const reply = await call(
        `${gateway.url}/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english?task=text-classification`,
        {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: 'lovely' }),
        },
      );
      expect(reply.status).toBe(200);
      expect(hf.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_HF_VALID_TOKEN}`);
      expect(logs.text).not.toContain(FAKE_HF_VALID_TOKEN);
    } finally {
      await gateway.close();
      await hf.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('a configured key (from env) makes the gateway require it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'infermux-start-'));
    const gateway = await startGateway({
      config: {
        server: {
          port: 0,
          keys: [{ name: 'ci', keyEnv: 'CI_GATEWAY_KEY', rpm: 100 }],
          ledger: { path: join(directory, 'g.sqlite') },
        },
      },
      env: { CI_GATEWAY_KEY: 'imx_configuredKeyForTests0123456789' },
      logDestination: new LogCapture(),
    });
    try {
      expect((await call(`${gateway.url}/v1/models`, { method: 'GET' })).status).toBe(401);
      const ok = await call(`${gateway.url}/v1/models`, {
        method: 'GET',
        headers: { authorization: 'Bearer imx_configuredKeyForTests0123456789' },
      });
      expect(ok.status).toBe(200);
    } finally {
      await gateway.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
