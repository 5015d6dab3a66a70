import { createClient, InfermuxError } from '@infermux/core';
import { FAKE_HF_OTHER_TOKEN, FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHf } from './hf-provider';

/** A token that does not look like `hf_…`, so only the registered-secret redaction can hide it. */
const ODD_TOKEN = 'custom-secret-token-4f9a2c';

let fake: FakeHf;
beforeAll(async () => {
  fake = await startFakeHf({ tokens: [FAKE_HF_VALID_TOKEN, FAKE_HF_OTHER_TOKEN, ODD_TOKEN] });
});
afterAll(() => fake.close());
beforeEach(() => fake.server.reset());

const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const classify = (provider: ReturnType<typeof createHf>, model = SST2) =>
  provider.doRun({ task: 'text-classification', model: { id: model }, input: { inputs: 'I love it' } });

describe('the token', () => {
  it('is read at call time from HF_TOKEN, then HF_API_TOKEN', async () => {
    const env: Record<string, string | undefined> = {};
    const provider = createHf({ baseURL: fake.url, env });
    env.HF_API_TOKEN = FAKE_HF_OTHER_TOKEN;
    await classify(provider);
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_HF_OTHER_TOKEN}`);
    env.HF_TOKEN = FAKE_HF_VALID_TOKEN;
    await classify(provider);
    expect(fake.server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FAKE_HF_VALID_TOKEN}`);
  });

  it('when missing: auth_missing_credentials naming HF_TOKEN, and nothing is sent', async () => {
    const error = await classify(createHf({ baseURL: fake.url, env: {} })).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'auth_missing_credentials',
      status: 401,
      retryable: false,
      message: expect.stringContaining('HF_TOKEN'),
    });
    expect(fake.server.requestCount).toBe(0);
  });

  it('the router refuses an anonymous call with 401 (a public dedicated endpoint would not)', async () => {
    const response = await fetch(`${fake.url}/hf-inference/models/${SST2}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"inputs":"x"}',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toHaveProperty('error');
  });

  it('cannot be overridden by caller or settings headers; X-HF-Bill-To comes from billTo', async () => {
    const provider = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      baseURL: fake.url,
      env: {},
      billTo: 'acme-org',
      headers: { Authorization: 'Bearer nope', 'X-Trace': 'settings' },
    });
    await provider.doRun({
      task: 'text-classification',
      model: { id: SST2 },
      input: { inputs: 'x' },
      headers: { authorization: 'Bearer other', 'x-call': 'call' },
    });
    const headers = fake.server.requests.at(-1)?.headers ?? {};
    expect(headers).toMatchObject({
      authorization: `Bearer ${FAKE_HF_VALID_TOKEN}`,
      'x-hf-bill-to': 'acme-org',
      'x-trace': 'settings',
      'x-call': 'call',
    });
  });
});

describe('private and gated models', () => {
  it('a private model answers a token with access', async () => {
    const result = await classify(
      createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: fake.url, env: {} }),
      'acme/private-sentiment',
    );
    expect(result.output[0]?.label).toBe('POSITIVE');
  });

  it('a private model without access: not found, and the message says it may be private', async () => {
    const error = await classify(
      createHf({ apiKey: FAKE_HF_OTHER_TOKEN, baseURL: fake.url, env: {} }),
      'acme/private-sentiment',
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'caller_model_not_found',
      status: 404,
      message: expect.stringContaining('is private and this token has no access'),
    });
  });

  it('a gated model without access: auth_gated_model, saying where to ask for access', async () => {
    const error = await classify(
      createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: fake.url, hubURL: 'https://huggingface.co', env: {} }),
      'meta-llama/Llama-Gated-1B',
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'auth_gated_model', status: 403 });
    expect((error as InfermuxError).message).toMatchInlineSnapshot(
      `"hf answered HTTP 403: Access to model meta-llama/Llama-Gated-1B is restricted and you are not in the authorized list. Visit https://huggingface.co/meta-llama/Llama-Gated-1B to ask for access. "meta-llama/Llama-Gated-1B" is gated: accept its conditions at https://huggingface.co/meta-llama/Llama-Gated-1B with the account that owns the token, then retry"`,
    );
  });

  it('a gated model with access granted answers', async () => {
    const result = await classify(
      createHf({ apiKey: FAKE_HF_OTHER_TOKEN, baseURL: fake.url, env: {} }),
      'meta-llama/Llama-Gated-1B',
    );
    expect(result.output.length).toBe(2);
  });

  it('Hub metadata of a private model needs a token with access (401 anonymous, 404 otherwise)', async () => {
    const withAccess = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: fake.hubURL, env: {} });
    expect(await withAccess.modelInfo({ model: 'acme/private-sentiment' })).toMatchObject({
      private: true,
      pipelineTag: 'text-classification',
    });
    await expect(
      createHf({ hubURL: fake.hubURL, env: {} }).modelInfo({ model: 'acme/private-sentiment' }),
    ).rejects.toMatchObject({
      code: 'caller_model_not_found',
      details: { upstreamStatus: 401, hubErrorCode: 'RepoNotFound' },
      message: expect.stringContaining('no token was sent (set HF_TOKEN)'),
    });
    await expect(
      createHf({ apiKey: FAKE_HF_OTHER_TOKEN, hubURL: fake.hubURL, env: {} }).modelInfo({
        model: 'acme/private-sentiment',
      }),
    ).rejects.toMatchObject({
      code: 'caller_model_not_found',
      details: { upstreamStatus: 404, hubErrorCode: 'RepoNotFound' },
    });
  });
});

describe('a token never appears in an error or a log', () => {
  it('across failures, even when the upstream echoes it', async () => {
    const logged: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      }),
    );
    const provider = createHf({
      apiKey: ODD_TOKEN,
      baseURL: fake.url,
      hubURL: fake.hubURL,
      env: {},
      textGenerationRoute: 'tgi',
    });
    fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 400,
      body: { error: `Bad token ${ODD_TOKEN} in Authorization: Bearer ${ODD_TOKEN}` },
    });
    fake.server.fault('POST /hf-inference/models/*', { kind: 'status', status: 200, body: { echoed: ODD_TOKEN } });
    fake.server.fault('POST /hf-inference/models/*', { kind: 'reset' });
    const errors: unknown[] = [];
    const attempts = [
      () => classify(provider),
      () => classify(provider),
      () => classify(provider),
      () => classify(provider, 'acme/does-not-exist'),
      () => classify(provider, 'meta-llama/Llama-Gated-1B'),
      () => provider.resolveModel({ model: { id: SST2, revision: 'no-such-branch' } }),
      () => classify(createHf({ apiKey: `${ODD_TOKEN}-revoked`, baseURL: fake.url, env: {} })),
    ];
    for (const attempt of attempts) errors.push(await attempt().catch((caught: unknown) => caught));
    const client = createClient({ providers: [provider] });
    errors.push(
      await client
        .run('fill-mask', { model: 'google-bert/bert-base-uncased', input: { inputs: `${ODD_TOKEN} has no mask` } })
        .catch((caught: unknown) => caught),
    );
    for (const spy of spies) spy.mockRestore();

    expect(errors).toHaveLength(8);
    for (const error of errors) {
      expect(InfermuxError.isInstance(error)).toBe(true);
      const infermuxError = error as InfermuxError;
      let cause: unknown = infermuxError;
      const texts: string[] = [JSON.stringify(infermuxError), String(infermuxError.stack)];
      while (cause instanceof Error) {
        texts.push(cause.message, String(cause.stack));
        cause = cause.cause;
      }
      for (const text of texts) expect(text).not.toContain(ODD_TOKEN);
    }
    expect(errors.map((error) => (error as InfermuxError).code)).toEqual([
      'caller_request_rejected',
      'provider_bad_response',
      'provider_network',
      'caller_model_not_found',
      'auth_gated_model',
      'caller_model_not_found',
      'auth_invalid_credentials',
      'caller_request_rejected',
    ]);
    for (const line of logged) expect(line).not.toContain(ODD_TOKEN);
  });
});
