import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, startFakeHf, startFakeOpenAI } from '@infermux/testkit';
import { describe, expect, it, vi } from 'vitest';
import { startGateway } from './start-gateway';
import { LogCapture } from './test-support/gateway-fixture';
import { call } from './test-support/gateway-requests';

describe('start-up', () => {
  it('rejects a bad config with the path and the reason', async () => {
    await expect(startGateway({ config: { server: { port: 'eighty' } } })).rejects.toThrow(
      /server\.port: expected a port number/,
    );
    await expect(startGateway({ config: { server: { colour: 'blue' } } })).rejects.toThrow(
      /server: Unrecognized key: "colour"/,
    );
    await expect(
      // The ledger opens before the keys are read: in memory, so the test writes nothing under $HOME.
      startGateway({
        config: { server: { keys: [{ name: 'ci', keyEnv: 'CI_GATEWAY_KEY' }], ledger: { path: ':memory:' } } },
        env: {},
      }),
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

  it('without HF_TOKEN: a warning per provider naming what to set, /readyz reports it, callers get a 503 saying what the operator must set', async () => {
    // The machine's own variables must not count: the providers read process.env when the gateway's env has none.
    vi.stubEnv('HF_TOKEN', '');
    vi.stubEnv('HF_API_TOKEN', '');
    vi.stubEnv('EVOLINK_API_KEY', '');
    const hf = await startFakeHf();
    const directory = mkdtempSync(join(tmpdir(), 'infermux-start-'));
    const logs = new LogCapture();
    const ledger = { path: join(directory, 'g.sqlite') };
    const start = (providers: Record<string, unknown>) =>
      startGateway({ config: { providers, server: { port: 0, ledger } }, env: {}, logDestination: logs });
    // A local OpenAI-compatible server needs no key: the gateway can serve, and says hf cannot.
    const gateway = await start({
      hf: { baseURL: hf.url, hubURL: hf.hubURL },
      local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const warnings = logs.lines.map((line) => JSON.parse(line)).filter((line) => line.level === 40);
      expect(warnings).toEqual([
        expect.objectContaining({
          provider: 'hf',
          env: ['HF_TOKEN', 'HF_API_TOKEN'],
          msg: 'provider "hf" has no credentials: set HF_TOKEN (or HF_API_TOKEN) in the gateway\'s environment; its calls fail until then',
        }),
      ]);
      const ready = await call(`${gateway.url}/readyz`, { method: 'GET' });
      expect({ status: ready.status, body: ready.json() }).toMatchObject({
        status: 200,
        body: { status: 'ready', checks: { credentials: true }, credentials: { hf: 'missing', local: 'optional' } },
      });
      const reply = await call(
        `${gateway.url}/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english?task=text-classification`,
        {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: 'lovely' }),
        },
      );
      expect(reply.status).toBe(503);
      expect(reply.headers.get('x-infermux-error-code')).toBe('auth_missing_credentials');
      expect(reply.json()).toEqual({
        error:
          'The gateway has no credentials for provider "hf": its operator must set HF_TOKEN (or HF_API_TOKEN) in the gateway\'s environment.',
      });
      const openai = await call(`${gateway.url}/v1/chat/completions`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'hf:meta-llama/Llama-3.1-8B-Instruct',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(openai.status).toBe(503);
      expect(openai.json().error).toMatchObject({ code: 'auth_missing_credentials', type: 'server_error' });
      expect(openai.json().error.message).not.toMatch(/apiKey/);
      expect(hf.server.requests.filter((request) => !request.path.startsWith('/api/'))).toHaveLength(0);
    } finally {
      await gateway.close();
    }
    // Nothing can serve: not ready, and why.
    const stranded = await start({ hf: { baseURL: hf.url }, evolink: {} });
    try {
      const ready = await call(`${stranded.url}/readyz`, { method: 'GET' });
      expect({ status: ready.status, body: ready.json() }).toMatchObject({
        status: 503,
        body: {
          status: 'not ready',
          checks: { credentials: false },
          credentials: { hf: 'missing', evolink: 'missing' },
        },
      });
    } finally {
      await stranded.close();
      await hf.close();
      vi.unstubAllEnvs();
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

  it('the openai preset: OPENAI_API_KEY (and OPENAI_BASE_URL) give an `openai` provider with no config file; without the key there is none', async () => {
    const upstreamKey = 'sk-preset-key-for-tests';
    const openai = await startFakeOpenAI({ apiKey: upstreamKey });
    const directory = mkdtempSync(join(tmpdir(), 'infermux-start-'));
    const logs = new LogCapture();
    const start = (env: Record<string, string>) =>
      startGateway({
        config: { server: { port: 0, ledger: { path: join(directory, 'g.sqlite') } } },
        env,
        logDestination: logs,
      });
    const withKey = await start({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: openai.baseURL });
    try {
      expect((await call(`${withKey.url}/readyz`, { method: 'GET' })).json().providers).toContain('openai');
      const reply = await call(`${withKey.url}/v1/chat/completions`, {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(reply.status).toBe(200);
      expect(openai.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
      expect(logs.text).not.toContain(upstreamKey);
    } finally {
      await withKey.close();
    }
    const withoutKey = await start({ OPENAI_BASE_URL: openai.baseURL });
    try {
      expect((await call(`${withoutKey.url}/readyz`, { method: 'GET' })).json().providers).not.toContain('openai');
    } finally {
      await withoutKey.close();
      await openai.close();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
