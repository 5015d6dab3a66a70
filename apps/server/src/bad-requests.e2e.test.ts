import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';
import { call, chatBody } from './test-support/gateway-requests';

let fixture: GatewayFixture;
let base: string;
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  // Small limits so "oversized" stays cheap; no keys: the gateway is open on 127.0.0.1.
  fixture = await startGatewayFixture({ bodyLimits: { jsonBytes: 4096, binaryBytes: 8192 } });
  base = fixture.gateway.url;
});
afterAll(() => fixture?.close());

describe('caller mistakes are 4xx with a clear body, never 500', () => {
  it('malformed JSON → 400 naming the problem', async () => {
    const reply = await call(`${base}/v1/chat/completions`, {
      headers: json,
      body: '{"model": "openai:gpt-4o-mini", "messages": [',
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error).toMatchObject({
      type: 'invalid_request_error',
      param: 'body',
      code: 'caller_invalid_input',
    });
    expect(reply.json().error.message).toMatch(/^The request body is not valid JSON: /);
  });

  it('JSON that is not an object → 400', async () => {
    const reply = await call(`${base}/v1/embeddings`, { headers: json, body: '[1,2]' });
    expect(reply.status).toBe(400);
    expect(reply.json().error.message).toBe('The request body must be a JSON object, got an array.');
  });

  it('wrong types → 400 naming the field and what was expected', async () => {
    const reply = await call(`${base}/v1/chat/completions`, {
      headers: json,
      body: JSON.stringify({
        model: 'openai:gpt-4o-mini',
        messages: [{ role: 'user', content: 'x' }],
        temperature: 'hot',
      }),
    });
    expect(reply.status).toBe(400);
    expect(reply.json().error.param).toBe('temperature');
    expect(reply.json().error.message).toMatch(/temperature/);
    const missingModel = await call(`${base}/v1/chat/completions`, {
      headers: json,
      body: JSON.stringify({ messages: [] }),
    });
    expect(missingModel.status).toBe(400);
    expect(missingModel.json().error).toMatchObject({
      param: 'model',
      message: 'Invalid request body: model: expected the model or route name (a non-empty string)',
    });
    const hf = await call(`${base}/models/facebook/bart-large-mnli?task=zero-shot-classification`, {
      headers: json,
      body: JSON.stringify({ inputs: 'x', parameters: { candidate_labels: 'refund' } }),
    });
    expect(hf.status).toBe(400);
    expect(hf.json()).toEqual({ error: expect.stringMatching(/parameters\.candidate_labels/) });
  });

  it('each route checks its fields with the schema /openapi.json documents it with: 400 naming the field, nothing sent upstream', async () => {
    const upstreamCalls = fixture.openai.server.requests.length + fixture.hf.server.requests.length;
    const cases: Array<{ path: string; body?: Record<string, unknown>; method?: string; param: string }> = [
      // Once a silently non-streamed answer; now refused.
      {
        path: '/v1/chat/completions',
        body: { model: 'openai:gpt-4o-mini', messages: [], stream: 'yes' },
        param: 'stream',
      },
      {
        path: '/v1/chat/completions',
        body: { model: 'openai:gpt-4o-mini', messages: [], stream: true, stream_options: { include_usage: 1 } },
        param: 'stream_options.include_usage',
      },
      { path: '/v1/chat/completions', body: { model: '   ', messages: [] }, param: 'model' },
      {
        path: '/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions',
        body: { model: 7, messages: [] },
        param: 'model',
      },
      { path: '/v1/completions', body: { model: 'openai:gpt-4o-mini' }, param: 'prompt' },
      {
        path: '/v1/completions',
        body: { model: 'openai:gpt-4o-mini', prompt: 'x', max_tokens: 0 },
        param: 'max_tokens',
      },
      {
        path: '/v1/embeddings',
        body: { model: 'openai:x', input: 'x', encoding_format: 'hex' },
        param: 'encoding_format',
      },
      { path: '/v1/embeddings', body: { model: 'openai:x', input: [] }, param: 'input' },
      { path: '/v1/embeddings', body: { model: 'openai:x', input: 'x', dimensions: 1.5 }, param: 'dimensions' },
      {
        path: '/v1/images/generations',
        body: { model: 'evolink:x', prompt: 'x', response_format: 'png' },
        param: 'response_format',
      },
      { path: '/v1/tasks/text-classification', body: { model: 'hf:x/y' }, param: 'input' },
      { path: '/v1/usage?by=week', method: 'GET', param: 'by' },
      { path: '/v1/usage?since=yesterday', method: 'GET', param: 'since' },
    ];
    for (const { path, body, method, param } of cases) {
      const reply = await call(`${base}${path}`, { method, headers: json, body: body && JSON.stringify(body) });
      expect(reply.status, path).toBe(400);
      const error = reply.json().error;
      expect(error.code, path).toBe('caller_invalid_input');
      // OpenAI routes name it in `param`, the native ones in `details.issues`.
      expect(error.param ?? error.details?.issues?.[0]?.path, path).toBe(param);
    }
    expect(fixture.openai.server.requests.length + fixture.hf.server.requests.length).toBe(upstreamCalls);
  });

  it('oversized body → 413, announced or not', async () => {
    const big = chatBody('openai:gpt-4o-mini', 'x'.repeat(10_000));
    const reply = await call(`${base}/v1/chat/completions`, { headers: json, body: big });
    expect(reply.status).toBe(413);
    expect(reply.json().error.message).toMatch(/larger than the JSON body limit of 4096 bytes/);
    const image = await call(`${base}/models/google/vit-base-patch16-224?task=image-classification`, {
      headers: { 'content-type': 'image/png' },
      body: new Uint8Array(20_000),
    });
    expect(image.status).toBe(413);
    expect(image.json()).toEqual({ error: expect.stringMatching(/binary body limit of 8192 bytes/) });
  });

  it('wrong content type → 415 (text/plain and none are read as JSON: see undeclared-json.e2e.test.ts)', async () => {
    const reply = await call(`${base}/v1/chat/completions`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: chatBody(),
    });
    expect(reply.status).toBe(415);
    expect(reply.json().error.message).toBe(
      'Unsupported Content-Type "application/x-www-form-urlencoded": expected application/json.',
    );
    const hf = await call(`${base}/models/google/vit-base-patch16-224?task=image-classification`, {
      headers: { 'content-type': 'text/csv' },
      body: 'a,b',
    });
    expect(hf.status).toBe(415);
  });

  it('unknown endpoint → 404, wrong method → 405, unknown task → 400 listing the known ones', async () => {
    const missing = await call(`${base}/v1/nothing-here`, { headers: json, body: '{}' });
    expect(missing.status).toBe(404);
    expect(missing.json().error.type).toBe('not_found_error');
    const method = await call(`${base}/v1/chat/completions`, { method: 'GET' });
    expect(method.status).toBe(405);
    const task = await call(`${base}/v1/tasks/sentiment-magic`, {
      headers: json,
      body: JSON.stringify({ model: 'hf:x/y', input: {} }),
    });
    expect(task.status).toBe(404);
    expect(task.json().error.message).toMatch(/Unknown task "sentiment-magic". Known tasks: text-classification/);
  });

  it('unknown model → 404 (from the upstream), unknown provider → 400', async () => {
    const model = await call(`${base}/models/acme/no-such-model?task=text-classification`, {
      headers: json,
      body: JSON.stringify({ inputs: 'x' }),
    });
    expect(model.status).toBe(404);
    const provider = await call(`${base}/v1/chat/completions`, { headers: json, body: chatBody('nowhere:gpt-4o') });
    expect(provider.status).toBe(400);
    expect(provider.json().error.message).toMatch(/Unknown provider "nowhere"/);
  });

  it('every response carries x-request-id and x-infermux-overhead-ms; a sane caller id is kept', async () => {
    const reply = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(reply.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(Number(reply.headers.get('x-infermux-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const hostile = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('the native envelope runs any task and reports the result envelope', async () => {
    const reply = await call(`${base}/v1/tasks/text-classification`, {
      headers: json,
      body: JSON.stringify({
        model: 'hf:distilbert/distilbert-base-uncased-finetuned-sst-2-english',
        input: { inputs: 'great' },
      }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({
      task: 'text-classification',
      provider: 'hf',
      output: expect.any(Array),
      attempts: [expect.objectContaining({ provider: 'hf' })],
    });
    const invalid = await call(`${base}/v1/tasks/text-classification`, {
      headers: json,
      body: JSON.stringify({ model: 'hf:a/b', input: { inputs: 3 } }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json().error).toMatchObject({ code: 'caller_invalid_input', status: 400, retryable: false });
  });
});
