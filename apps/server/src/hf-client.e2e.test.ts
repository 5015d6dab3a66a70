import { InferenceClient } from '@huggingface/inference';
import { FAKE_HF_VALID_TOKEN, TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';

let fixture: GatewayFixture;
let client: InferenceClient;
let models: string;
let key: string;

beforeAll(async () => {
  // Model ids without a provider prefix go to the HF provider (the OpenAI-compatible one also serves embeddings and generation).
  // A short breaker cool-down: the loading model trips it, and x-wait-for-model waits it out.
  fixture = await startGatewayFixture(
    {},
    {},
    { defaults: { provider: 'hf' }, breaker: { cooldownMs: 200 } },
    {
      hfModels: [
        {
          id: 'acme/slow-loader',
          pipelineTag: 'text-classification',
          inference: 'warm',
          loading: { estimatedTime: 0.05, times: 9 },
        },
      ],
    },
  );
  const created = await fetch(`${fixture.gateway.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'hf-sdk' }),
  }).then((response) => response.json() as Promise<{ key: string }>);
  key = created.key;
  client = new InferenceClient(created.key);
  models = `${fixture.gateway.url}/models`;
});
afterAll(() => fixture?.close());

/** What the fake Hugging Face received for the last inference call. */
function lastUpstreamCall() {
  const calls = fixture.hf.server.requests.filter((request) => request.path.startsWith('/hf-inference/'));
  return calls.at(-1)!;
}

describe('the official @huggingface/inference client, unchanged, with endpointUrl at the gateway', () => {
  it("text classification (task from the model's Hub pipeline tag)", async () => {
    const output = await client.textClassification({
      endpointUrl: `${models}/distilbert/distilbert-base-uncased-finetuned-sst-2-english`,
      inputs: 'I like you. I love you',
    });
    expect(output[0]).toMatchObject({ label: expect.any(String), score: expect.any(Number) });
    const upstream = lastUpstreamCall();
    expect(upstream.path).toBe('/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english');
    expect(upstream.headers.authorization).toBe(`Bearer ${FAKE_HF_VALID_TOKEN}`);
    expect(upstream.json()).toEqual({ inputs: 'I like you. I love you' });
  });

  it('zero-shot classification with candidate labels', async () => {
    const output = await client.zeroShotClassification({
      endpointUrl: `${models}/facebook/bart-large-mnli`,
      inputs: 'Hi, I recently bought a device from your company but it is not working as advertised.',
      parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
    });
    expect(output.map((item) => item.label).sort()).toEqual(['faq', 'legal', 'refund']);
    expect(lastUpstreamCall().json()).toMatchObject({ parameters: { candidate_labels: ['refund', 'legal', 'faq'] } });
  });

  it('feature extraction through the /pipeline/feature-extraction route', async () => {
    const output = await client.featureExtraction({
      endpointUrl: `${models}/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction`,
      inputs: ['Today is a sunny day', 'It rains'],
    });
    expect(output).toHaveLength(2);
    expect((output as number[][])[0]?.length).toBeGreaterThan(0);
    expect(lastUpstreamCall().path).toBe(
      '/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    );
  });

  it('text generation (huggingface.js posts OpenAI completions to {endpoint}/v1/completions)', async () => {
    const output = await client.textGeneration({
      endpointUrl: `${models}/openai-community/gpt2`,
      inputs: 'The answer to the universe is',
      parameters: { max_new_tokens: 12, temperature: 0.7 },
    });
    expect(typeof output.generated_text).toBe('string');
    expect(output.generated_text.length).toBeGreaterThan(0);
    const upstream = lastUpstreamCall();
    expect(upstream.json()).toMatchObject({
      prompt: 'The answer to the universe is',
      max_tokens: 12,
      temperature: 0.7,
    });
  });

  it('image classification from raw bytes', async () => {
    const output = await client.imageClassification({
      endpointUrl: `${models}/google/vit-base-patch16-224`,
      data: new Blob([TINY_PNG], { type: 'image/png' }),
    });
    expect(output[0]).toMatchObject({ label: expect.any(String), score: expect.any(Number) });
    const upstream = lastUpstreamCall();
    expect(upstream.path).toBe('/hf-inference/models/google/vit-base-patch16-224');
    expect(Buffer.compare(upstream.body, Buffer.from(TINY_PNG))).toBe(0);
  });

  it('text-to-image: the image bytes come back raw, with their media type', async () => {
    const image = await client.textToImage(
      { endpointUrl: `${models}/black-forest-labs/FLUX.1-schnell`, inputs: 'an astronaut riding a horse' },
      { outputType: 'blob' },
    );
    expect(image).toBeInstanceOf(Blob);
    expect(image.type).toMatch(/^image\//);
    expect(image.size).toBeGreaterThan(0);
  });

  it('a loading model: 503 with estimated_time, or held until ready with x-wait-for-model', async () => {
    const url = `${models}/acme/slow-loader?task=text-classification`;
    const refused = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: 'x' }),
    });
    expect(refused.status).toBe(503);
    const refusedBody = await refused.json();
    expect(refusedBody.error).toEqual(expect.any(String));
    // HF's loading shape, unless core's breaker already opened on the repeated 503s (then it says so).
    if (refused.headers.get('x-infermux-error-code') === 'provider_model_loading')
      expect(refusedBody).toEqual({ error: expect.stringMatching(/loading/i), estimated_time: expect.any(Number) });
    else expect(refused.headers.get('x-infermux-error-code')).toBe('gateway_circuit_open');
    const held = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-wait-for-model': 'true' },
      body: JSON.stringify({ inputs: 'x' }),
    });
    expect(held.status).toBe(200);
    // Nine loading answers in all (the breaker opened on the way): more than core's bounded retries give one call.
    const loadingCalls = fixture.hf.server.requests.filter(
      (request) => request.path === '/hf-inference/models/acme/slow-loader',
    );
    expect(loadingCalls.length).toBeGreaterThanOrEqual(10);
    expect(await held.json()).toEqual([[expect.objectContaining({ label: expect.any(String) }), expect.anything()]]);
  });

  it('an HF-shaped error: the client reads `error` from the body', async () => {
    const error = (await client
      .textClassification({ endpointUrl: `${models}/acme/does-not-exist`, inputs: 'x' })
      .then(() => new Error('expected a failure'))
      .catch((caught: unknown) => caught)) as Error & { httpResponse?: { status: number; requestId?: string } };
    expect(error).toBeInstanceOf(Error);
    expect(error.httpResponse?.status).toBe(404);
    expect(error.httpResponse?.requestId).toMatch(/^req_/);
  });
});
