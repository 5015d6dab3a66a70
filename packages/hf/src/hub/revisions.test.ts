import { createClient } from '@infermux/core';
import { FAKE_HF_VALID_TOKEN, fakeSha } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHf } from '../hf-provider';
import { type FakeHfSetup, setupFakeHf } from '../test-support/fake-hf-setup';

const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const HEAD = fakeSha(SST2);
const V1 = fakeSha('sst2@v1.0');
const PR = fakeSha('sst2@refs/pr/1');

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf(
    {},
    { models: [{ id: SST2, pipelineTag: 'text-classification', revisions: { 'v1.0': V1, 'refs/pr/1': PR } }] },
  );
});
afterAll(() => setup.close());
beforeEach(() => {
  setup.fake.server.reset();
});

const hubPaths = () => setup.fake.server.requests.map((request) => `${request.method} ${request.url}`);

describe('revision resolution through the Hub (wire/hf §8)', () => {
  it('a branch that is the current head resolves to its commit and is pinned', async () => {
    const provider = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      baseURL: setup.fake.url,
      hubURL: setup.fake.hubURL,
      env: {},
    });
    expect(await provider.resolveModel({ task: 'text-classification', model: { id: SST2, revision: 'main' } })).toEqual(
      { id: SST2, revision: HEAD, pinned: true },
    );
    expect(hubPaths()).toMatchInlineSnapshot(`
      [
        "GET /api/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english/revision/main?expand[]=sha",
        "GET /api/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english?expand[]=sha&expand[]=pipeline_tag&expand[]=private&expand[]=gated&expand[]=disabled&expand[]=inference&expand[]=tags&expand[]=library_name",
      ]
    `);
  });

  it('is cached: a second resolution sends nothing', async () => {
    const provider = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    await provider.resolveModel({ task: 'text-classification', model: { id: SST2, revision: 'main' } });
    const count = setup.fake.server.requestCount;
    await provider.resolveModel({ task: 'text-classification', model: { id: SST2, revision: 'main' } });
    await provider.modelInfo({ model: SST2 });
    expect(setup.fake.server.requestCount).toBe(count);
  });

  it('encodes the revision as one path segment (refs/pr/1 → refs%2Fpr%2F1)', async () => {
    const provider = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    const resolved = await provider.resolveModel({
      task: 'text-classification',
      model: { id: SST2, revision: 'refs/pr/1' },
    });
    expect(setup.fake.server.requests[0]?.path).toBe(`/api/models/${SST2}/revision/refs%2Fpr%2F1`);
    expect(resolved).toMatchObject({ pinned: false, revision: HEAD });
  });

  it('warn: an older tag resolves, but HF Inference serves the head, so the result says it is not pinned', async () => {
    const provider = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    const resolved = await provider.resolveModel({
      task: 'text-classification',
      model: { id: SST2, revision: 'v1.0' },
      revisionPolicy: 'warn',
    });
    expect(resolved).toMatchObject({ id: SST2, revision: HEAD, pinned: false });
    expect(resolved.warnings?.[0]?.message).toMatchInlineSnapshot(
      `"Revision not pinned: HF Inference serves the default branch of distilbert/distilbert-base-uncased-finetuned-sst-2-english, whose head is 055c359927a86a01c77059e2d479e5209150fe08; it cannot run v1.0 (5939bee2688550aef6ce27f92036b9df4f15dfea) because serverless routes take no revision."`,
    );
  });

  it('strict: the same reference is refused with policy_revision_unavailable naming the head commit', async () => {
    const provider = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      hubURL: setup.fake.hubURL,
      env: {},
      revisionPolicy: 'strict',
    });
    await expect(
      provider.resolveModel({ task: 'text-classification', model: { id: SST2, revision: 'v1.0' } }),
    ).rejects.toMatchObject({
      code: 'policy_revision_unavailable',
      status: 409,
      message: expect.stringContaining(`head is ${HEAD}`),
      details: { requestedCommit: V1, headCommit: HEAD },
    });
  });

  it('pinned-only: a branch name is refused before any Hub call; the head commit passes pinned', async () => {
    const provider = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    await expect(
      provider.resolveModel({ model: { id: SST2, revision: 'main' }, revisionPolicy: 'pinned-only' }),
    ).rejects.toMatchObject({ code: 'policy_revision_unpinned' });
    expect(setup.fake.server.requestCount).toBe(0);
    expect(
      await provider.resolveModel({
        task: 'text-classification',
        model: { id: SST2, revision: HEAD },
        revisionPolicy: 'pinned-only',
      }),
    ).toEqual({ id: SST2, revision: HEAD, pinned: true });
    await expect(
      provider.resolveModel({
        task: 'text-classification',
        model: { id: SST2, revision: V1 },
        revisionPolicy: 'pinned-only',
      }),
    ).rejects.toMatchObject({
      code: 'policy_revision_unavailable',
    });
  });

  it('an unknown revision is a clear caller error (404 + X-Error-Code: RevisionNotFound)', async () => {
    const provider = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    const error = await provider
      .resolveModel({ model: { id: SST2, revision: 'no-such-branch' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'caller_model_not_found',
      status: 404,
      details: { hubErrorCode: 'RevisionNotFound', upstreamStatus: 404 },
    });
    expect((error as Error).message).toMatchInlineSnapshot(
      `"hf answered HTTP 404: Invalid rev id: no-such-branch. The revision does not exist for "distilbert/distilbert-base-uncased-finetuned-sst-2-english"; use a branch, tag or commit that does"`,
    );
  });

  it('router chat and dedicated endpoints never claim a pin, even at the head', async () => {
    const router = createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} });
    const chat = await router.resolveModel({ task: 'chat-completion', model: { id: SST2, revision: 'main' } });
    expect(chat).toMatchObject({ id: SST2, pinned: false });
    expect(chat.revision).toBeUndefined();
    expect(chat.warnings?.[0]?.message).toContain("router's providers serve their own deployment");
    const endpoint = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      hubURL: setup.fake.hubURL,
      endpointUrl: 'http://127.0.0.1:1/endpoint',
      env: {},
    });
    const pinnedEndpoint = await endpoint.resolveModel({
      task: 'text-classification',
      model: { id: SST2, revision: HEAD },
    });
    expect(pinnedEndpoint).toMatchObject({ pinned: false });
    expect(pinnedEndpoint.warnings?.[0]?.message).toContain(
      'dedicated endpoint serves the revision it was deployed with',
    );
  });

  it('through the client: the result reports the exact commit it ran, pinned', async () => {
    const client = createClient({
      providers: [
        createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, hubURL: setup.fake.hubURL, env: {} }),
      ],
    });
    const result = await client.run('text-classification', {
      model: `${SST2}@${HEAD}`,
      input: { inputs: 'I love it' },
      revisionPolicy: 'pinned-only',
    });
    expect(result.model).toMatchObject({ id: SST2, revision: HEAD, pinned: true });
    // No revision warning; the fake's CPU compute time has no published price, so the cost is unknown.
    expect(result.warnings.map((warning) => warning.code)).toEqual(['cost_unknown']);
    const floating = await client.run('text-classification', { model: `${SST2}@v1.0`, input: { inputs: 'I love it' } });
    // (core's client currently copies resolveModel's `warnings` into `model` too; hence toMatchObject)
    expect(floating.model).toMatchObject({ id: SST2, revision: HEAD, pinned: false });
    expect(floating.warnings.map((warning) => warning.code)).toEqual(['revision_not_pinned', 'cost_unknown']);
  });
  it('a routed call is held to its route deadline while the Hub lookup stalls, also once the target has answered', async () => {
    const provider = createHf({
      apiKey: FAKE_HF_VALID_TOKEN,
      baseURL: setup.fake.url,
      hubURL: setup.fake.hubURL,
      env: {},
      hubCacheTtlMs: 0,
    });
    const client = createClient({ providers: [provider], retry: { maxAttempts: 1, deadlineMs: 300 } });
    const call = () => client.run('text-classification', { model: `${SST2}@main`, input: { inputs: 'I love it' } });
    await call();
    setup.fake.server.fault(
      'GET /api/models/*',
      { kind: 'delay-headers', ms: Number.POSITIVE_INFINITY },
      { times: Number.POSITIVE_INFINITY },
    );
    const started = Date.now();
    const error = await call().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'gateway_timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('model metadata from the Hub', () => {
  it('asks for the fields it needs with expand[] and maps them', async () => {
    const provider = createHf({ hubURL: setup.fake.hubURL, env: {} });
    const info = await provider.modelInfo({ model: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(setup.fake.server.requests[0]?.url).toBe(
      '/api/models/meta-llama/Llama-3.1-8B-Instruct?expand[]=sha&expand[]=pipeline_tag&expand[]=private&expand[]=gated&expand[]=disabled&expand[]=inference&expand[]=tags&expand[]=library_name',
    );
    expect(setup.fake.server.requests[0]?.headers.authorization).toBeUndefined();
    expect(info).toMatchInlineSnapshot(`
      {
        "conversational": true,
        "disabled": false,
        "gated": false,
        "id": "meta-llama/Llama-3.1-8B-Instruct",
        "inference": "warm",
        "libraryName": "transformers",
        "pipelineTag": "text-generation",
        "private": false,
        "sha": "1f290537e221ffae2bf10289e227bfe7054cdbdf",
        "tags": [
          "conversational",
          "text-generation-inference",
          "text-generation",
        ],
      }
    `);
  });

  it('reports gated models (their metadata is public)', async () => {
    const info = await createHf({ hubURL: setup.fake.hubURL, env: {} }).modelInfo({
      model: 'hf:meta-llama/Llama-Gated-1B',
    });
    expect(info).toMatchObject({ id: 'meta-llama/Llama-Gated-1B', gated: 'manual', private: false });
  });

  it('an unknown model is caller_model_not_found', async () => {
    await expect(
      createHf({ apiKey: FAKE_HF_VALID_TOKEN, hubURL: setup.fake.hubURL, env: {} }).modelInfo({
        model: 'acme/nothing-here',
      }),
    ).rejects.toMatchObject({
      code: 'caller_model_not_found',
      details: { hubErrorCode: 'RepoNotFound' },
    });
  });
});
