import { InfermuxError } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN, rejectionOf } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hfErrorFromBody, upstreamMessage } from './hf-errors';
import { createHf } from './hf-provider';
import { type FakeHfSetup, setupFakeHf } from './test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());
beforeEach(() => setup.fake.server.reset());

const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const classify = (model = SST2) =>
  setup.provider.doRun({ task: 'text-classification', model: { id: model }, input: { inputs: 'I love it' } });
const failure = (promise: Promise<unknown>) => rejectionOf(promise, InfermuxError.isInstance);

describe('HTTP errors from the upstream → core codes (wire/hf §4)', () => {
  it('401 invalid token → auth_invalid_credentials, upstream message and what to do', async () => {
    const provider = createHf({ apiKey: 'hf_revokedToken0000000000000000', baseURL: setup.fake.url, env: {} });
    const error = await failure(
      provider.doRun({ task: 'text-classification', model: { id: SST2 }, input: { inputs: 'x' } }),
    );
    expect(error).toMatchObject({ code: 'auth_invalid_credentials', status: 401, retryable: false });
    expect(error.message).toMatchInlineSnapshot(
      `"hf answered HTTP 401: Invalid credentials in Authorization header. The token was refused: check HF_TOKEN (a fine-grained token needs the "Make calls to Inference Providers" permission)"`,
    );
  });

  it('404 unknown model → caller_model_not_found', async () => {
    const error = await failure(classify('acme/does-not-exist'));
    expect(error).toMatchObject({
      code: 'caller_model_not_found',
      status: 404,
      details: { upstreamStatus: 404, model: 'acme/does-not-exist' },
    });
    expect(error.message).toContain(
      'hf answered HTTP 404: Model acme/does-not-exist does not exist. "acme/does-not-exist" was not found on this route: it does not exist, is private and this token has no access, or is not served by HF Inference',
    );
  });

  it('404 as text/plain keeps the text as the message', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', { kind: 'status', status: 404, body: 'Not Found' });
    expect(await failure(classify())).toMatchObject({
      code: 'caller_model_not_found',
      message: expect.stringContaining('answered HTTP 404: Not Found'),
    });
  });

  it('400 → caller_request_rejected with the upstream message', async () => {
    const error = await failure(
      setup.provider.doRun({
        task: 'fill-mask',
        model: { id: 'google-bert/bert-base-uncased' },
        input: { inputs: 'no mask here' },
      }),
    );
    expect(error).toMatchObject({ code: 'caller_request_rejected', status: 400, retryable: false });
    expect(error.message).toBe('hf answered HTTP 400: No mask_token ([MASK]) found on the input');
  });

  it('400 with a list of messages (older pipeline containers) joins them', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 400,
      body: { error: ['inputs: field required', 'parameters: bad'] },
    });
    expect((await failure(classify())).message).toBe('hf answered HTTP 400: inputs: field required; parameters: bad');
  });

  it('402 → policy_insufficient_credits', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 402,
      body: {
        error:
          'You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits.',
      },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'policy_insufficient_credits',
      status: 402,
      retryable: false,
      message: expect.stringContaining('exceeded your monthly included credits'),
    });
  });

  it('429 → provider_rate_limited with retryAfterMs from Retry-After', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 429,
      body: { error: 'Rate limit reached' },
      headers: { 'retry-after': '7' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'provider_rate_limited',
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it('429 from TGI (error_type overloaded) is still a rate limit', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 429,
      body: { error: 'Model is overloaded', error_type: 'overloaded' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'provider_rate_limited',
      retryable: true,
      details: { errorType: 'overloaded' },
    });
  });

  it('503 model loading → provider_model_loading, retryable, retryAfterMs = estimated_time × 1000; one request only', async () => {
    const error = await failure(classify('acme/slow-loader'));
    expect(error).toMatchObject({ code: 'provider_model_loading', status: 503, retryable: true, retryAfterMs: 20_000 });
    expect(error.message).toMatchInlineSnapshot(
      `"hf answered HTTP 503: Model acme/slow-loader is currently loading. "acme/slow-loader" is loading on HF Inference; it should be ready in about 20 s"`,
    );
    expect(setup.fake.server.requestCount).toBe(1); // the adapter never retries
  });

  it('503 without estimated_time → provider_unavailable', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 503,
      body: { error: 'Service Unavailable' },
    });
    expect(await failure(classify())).toMatchObject({ code: 'provider_unavailable', retryable: true });
  });

  it('500 TGI incomplete_generation → provider_server_error with the error type', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 500,
      body: { error: 'Incomplete generation', error_type: 'incomplete_generation' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'provider_server_error',
      retryable: true,
      details: { errorType: 'incomplete_generation' },
    });
  });

  it('424 TGI generation error → provider_server_error, not a caller error', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 424,
      body: { error: 'Request failed during generation: CUDA OOM', error_type: 'generation' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'provider_server_error',
      retryable: true,
      details: { upstreamStatus: 424, errorType: 'generation' },
    });
  });

  it('403 with X-Error-Code: GatedRepo → auth_gated_model even when the message does not say so', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 403,
      body: { error: 'Forbidden' },
      headers: { 'x-error-code': 'GatedRepo' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'auth_gated_model',
      message: expect.stringContaining(`${setup.fake.hubURL}/${SST2}`),
    });
  });

  it('403 otherwise → auth_forbidden, naming the permission a token needs', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 403,
      body: { error: 'This authentication method does not have sufficient permissions' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'auth_forbidden',
      message: expect.stringContaining('Make calls to Inference Providers'),
    });
  });

  it('410 from the legacy host shape → caller_unsupported pointing at the router', async () => {
    const response = await fetch(`${setup.fake.url}/models/${SST2}`, { method: 'POST', body: '{"inputs":"x"}' });
    const body = await response.json();
    const error = hfErrorFromBody(response.status, {}, body, { provider: 'hf', sentToken: true });
    expect(error).toMatchObject({
      code: 'caller_unsupported',
      message: expect.stringContaining('router.huggingface.co'),
    });
  });
});

describe('2xx bodies that are not the task output → provider_bad_response with the redacted raw body', () => {
  it('a JSON body of the wrong shape', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: { unexpected: `leaked ${FAKE_HF_VALID_TOKEN}` },
    });
    const error = await failure(classify());
    expect(error).toMatchObject({
      code: 'provider_bad_response',
      retryable: true,
      details: { task: 'text-classification' },
    });
    expect(error.details?.rawBody).toBe('{"unexpected":"leaked [REDACTED]"}');
    expect(error.details?.issues).toBeDefined();
  });

  it('a body that is not JSON at all', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', { kind: 'malformed-json' });
    expect(await failure(classify())).toMatchObject({ code: 'provider_bad_response' });
  });

  it('media bytes where JSON was expected', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      headers: { 'content-type': 'image/png' },
    });
    expect(await failure(classify())).toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('expected JSON, got image/png'),
    });
  });

  it('JSON where image bytes were expected (and not the b64_json form)', async () => {
    setup.fake.server.fault('POST /hf-inference/models/*', {
      kind: 'status',
      status: 200,
      body: { error: null, nothing: true },
    });
    const error = await failure(
      setup.provider.doRun({
        task: 'text-to-image',
        model: { id: 'black-forest-labs/FLUX.1-schnell' },
        input: { inputs: 'a cat' },
      }),
    );
    expect(error).toMatchObject({
      code: 'provider_bad_response',
      message: expect.stringContaining('image bytes or {data: [{b64_json}]}'),
    });
  });
});

describe('upstreamMessage: the order huggingface.js reads error bodies in', () => {
  it.each([
    [{ error: 'plain' }, 'plain'],
    [{ error: ['a', 'b'] }, 'a; b'],
    [{ error: { message: 'openai style', type: 'invalid_request_error' } }, 'openai style'],
    [{ detail: 'fastapi' }, 'fastapi'],
    [{ message: 'bare message' }, 'bare message'],
    [{ error: 'first', message: 'second' }, 'first'],
    ['text body', 'text body'],
    [{ nothing: true }, undefined],
  ])('%j → %s', (body, expected) => {
    expect(upstreamMessage(body)).toBe(expected);
  });
});
