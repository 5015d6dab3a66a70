import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, type FakeEvolink, type FakeHf, startFakeEvolink, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningGateway, startGateway } from '../start-gateway';
import { ADMIN_TOKEN, LogCapture } from '../test-support/gateway-fixture';
import { call, createKey } from '../test-support/gateway-requests';

// A team moving HF users behind the gateway before it issues gateway keys: the gateway has no HF token of its
// own, `providers.hf.passThrough` is on, and callers keep sending their own `Authorization: Bearer hf_…`.
const EVOLINK_KEY = 'sk-evo-operatorKey0123456789';
const WRONG_TOKEN = 'hf_notARealTokenAtAll99';
let hf: FakeHf;
let evolink: FakeEvolink;
let gateway: RunningGateway;
let directory: string;
let logs: LogCapture;
const sentiment = '/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english';

beforeAll(async () => {
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('HF_API_TOKEN', '');
  hf = await startFakeHf();
  evolink = await startFakeEvolink({ apiKey: EVOLINK_KEY });
  directory = mkdtempSync(join(tmpdir(), 'infermux-pass-through-'));
  logs = new LogCapture();
  gateway = await startGateway({
    config: {
      providers: {
        hf: { baseURL: hf.url, hubURL: hf.hubURL, passThrough: true },
        evolink: { baseURL: evolink.baseURL, apiKeyEnv: 'OPERATOR_EVOLINK_KEY' },
      },
      server: {
        port: 0,
        ledger: { path: join(directory, 'g.sqlite'), flushIntervalMs: 0 },
        logging: { level: 'info', requests: true },
      },
    },
    env: { OPERATOR_EVOLINK_KEY: EVOLINK_KEY, INFERMUX_ADMIN_TOKEN: ADMIN_TOKEN },
    logDestination: logs,
  });
});
afterAll(async () => {
  await gateway?.close();
  await Promise.all([hf?.close(), evolink?.close()]);
  vi.unstubAllEnvs();
  rmSync(directory, { recursive: true, force: true });
});

const classify = (authorization?: string) =>
  call(`${gateway.url}${sentiment}`, {
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ inputs: 'I love this' }),
  });
const inferenceCalls = () => hf.server.requests.filter((request) => request.path.startsWith('/hf-inference/'));

describe("providers.<name>.passThrough: a caller's own provider token, passed on", () => {
  it("the caller's hf_ token goes upstream as it came; /readyz and the start log say hf serves callers' tokens only", async () => {
    const reply = await classify(`Bearer ${FAKE_HF_VALID_TOKEN}`);
    expect(reply.status).toBe(200);
    expect(inferenceCalls().at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_HF_VALID_TOKEN}`);
    const ready = (await call(`${gateway.url}/readyz`, { method: 'GET' })).json();
    expect(ready.credentials).toEqual({ hf: 'caller', evolink: 'present' });
    expect(logs.text).toContain(
      'provider \\"hf\\" has no credentials: set HF_TOKEN (or HF_API_TOKEN) in the gateway\'s environment; only calls bringing their own token (Bearer hf_…) work until then',
    );
  });

  it("a refused token is the caller's 401 (not the gateway's 502); no token at all: what the operator must set", async () => {
    const refused = await classify(`Bearer ${WRONG_TOKEN}`);
    expect(refused.status).toBe(401);
    expect(refused.json().error).toMatch(/^hf refused the token in your Authorization header/);
    expect(refused.text).not.toContain(WRONG_TOKEN);
    const none = await classify();
    expect(none.status).toBe(503);
    expect(none.json().error).toMatch(/its operator must set HF_TOKEN/);
  });

  it("a call with a caller's token runs on that provider only: the operator's EvoLink key is never spent for it", async () => {
    const before = evolink.server.requests.length;
    const reply = await call(`${gateway.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_HF_VALID_TOKEN}` },
      body: JSON.stringify({ model: 'evolink:gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error).toMatchObject({ code: 'caller_unsupported', param: 'credentials' });
    expect(evolink.server.requests.length).toBe(before);
  });

  it('never logged or stored: not in the logs, not in the ledger file', async () => {
    await classify(`Bearer ${FAKE_HF_VALID_TOKEN}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.text).not.toContain(FAKE_HF_VALID_TOKEN);
    expect(logs.text).not.toContain(WRONG_TOKEN);
    for (const file of ['g.sqlite', 'g.sqlite-wal']) {
      const bytes = readFileSync(join(directory, file), { flag: 'r' }).toString('latin1');
      expect(bytes).not.toContain(FAKE_HF_VALID_TOKEN);
      expect(bytes).not.toContain(WRONG_TOKEN);
    }
  });

  it('once a gateway key exists, a provider token never stands in for it: 401; the key works', async () => {
    const { key } = await createKey(gateway.url, { name: 'team' });
    const withToken = await classify(`Bearer ${FAKE_HF_VALID_TOKEN}`);
    expect(withToken.status).toBe(401);
    expect(withToken.json().error).toMatch(/needs "Authorization: Bearer <gateway key>".*hf token/);
    const calls = inferenceCalls().length;
    // The key authenticates; the gateway has no HF token of its own, so the operator is told what to set.
    const withKey = await classify(`Bearer ${key}`);
    expect(withKey.status).toBe(503);
    expect(inferenceCalls().length).toBe(calls);
  });
});

describe('passThrough configuration', () => {
  it('refused at start when tokens could not be told apart, or the provider declares no prefix', async () => {
    const start = (providers: Record<string, unknown>) =>
      startGateway({
        config: { providers, server: { port: 0, ledger: { path: ':memory:' } } },
        env: {},
        logDestination: new LogCapture(),
      });
    await expect(start({ hf: { passThrough: { tokenPrefix: 'imx' } } })).rejects.toThrow(
      /providers\.hf\.passThrough: the token prefix "imx" overlaps "imx_" \(gateway keys\)/,
    );
    await expect(start({ evolink: { passThrough: true } })).rejects.toThrow(
      /providers\.evolink\.passThrough: provider type "evolink" declares no token prefix/,
    );
  });
});
