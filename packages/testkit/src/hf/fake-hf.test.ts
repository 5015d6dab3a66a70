import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHf, startFakeHf } from './fake-hf.js';
import { FAKE_HF_VALID_TOKEN, fakeSha } from './fake-hf-models.js';

let fake: FakeHf;
beforeAll(async () => {
  fake = await startFakeHf({
    endpoints: [
      { name: 'public-bert', model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', public: true },
    ],
  });
});
afterAll(() => fake.close());

const post = (path: string, body: unknown, token: string | null = FAKE_HF_VALID_TOKEN) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('fake Hugging Face', () => {
  it('answers 401 for a missing or unknown token, with JSON error bodies', async () => {
    const anonymous = await post('/hf-inference/models/gpt2', { inputs: 'x' }, null);
    expect(anonymous.status).toBe(401);
    const unknown = await post('/hf-inference/models/gpt2', { inputs: 'x' }, 'hf_nope');
    expect(await unknown.json()).toEqual({ error: 'Invalid credentials in Authorization header' });
  });

  it('Hub model info: expand[] returns only the asked fields plus _id and id', async () => {
    const response = await fetch(`${fake.hubURL}/api/models/gpt2?expand[]=sha&expand[]=pipeline_tag`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['_id', 'id', 'pipeline_tag', 'sha']);
    expect(body).toMatchObject({ id: 'gpt2', sha: fakeSha('gpt2'), pipeline_tag: 'text-generation' });
  });

  it('Hub revision: unknown → 404 with X-Error-Code: RevisionNotFound', async () => {
    const response = await fetch(`${fake.hubURL}/api/models/gpt2/revision/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-error-code')).toBe('RevisionNotFound');
  });

  it('TGI stream frames are data:{…} without a space, and end without [DONE]', async () => {
    const response = await post('/hf-inference/models/gpt2', {
      inputs: 'Hi',
      parameters: { max_new_tokens: 2 },
      stream: true,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(text.startsWith('data:{"index":1,')).toBe(true);
    expect(text).not.toContain('[DONE]');
    expect(text.trim().split('\n\n')).toHaveLength(2);
  });

  it('503 loading with estimated_time, once', async () => {
    const first = await post('/hf-inference/models/acme/slow-loader', { inputs: 'x' });
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: 'Model acme/slow-loader is currently loading', estimated_time: 20 });
    expect((await post('/hf-inference/models/acme/slow-loader', { inputs: 'x' })).status).toBe(200);
  });

  it('a public dedicated endpoint takes calls without a token', async () => {
    const response = await post('/endpoints/public-bert', { inputs: 'I love it' }, null);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      [
        { label: 'POSITIVE', score: expect.any(Number) },
        { label: 'NEGATIVE', score: expect.any(Number) },
      ],
    ]);
  });
});
