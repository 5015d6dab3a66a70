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

  describe('real-wire shapes and quirks (issue #18)', () => {
    it('a non-pooled model embeds a list of texts four levels deep: texts × 1 × tokens × dims', async () => {
      const response = await post('/hf-inference/models/facebook/bart-base/pipeline/feature-extraction', {
        inputs: ['hello', 'That is a happy person'],
      });
      const body = (await response.json()) as number[][][][];
      expect(body.map((text) => [text.length, text[0]?.length, text[0]?.[0]?.length])).toEqual([
        [1, 1, 8],
        [1, 5, 8],
      ]);
    });

    it('a TGI-2-style chat stream ends after the finish chunk without [DONE]', async () => {
      const response = await post('/hf-inference/models/acme/tgi2-chat/v1/chat/completions', {
        model: 'acme/tgi2-chat',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      const frames = (await response.text()).trim().split('\n\n');
      expect(frames.every((frame) => frame.startsWith('data:{'))).toBe(true);
      expect(frames.at(-1)).toContain('"finish_reason":"stop"');
      expect(frames.join('')).not.toContain('[DONE]');
    });

    it('a generative document-QA model answers without score or offsets', async () => {
      const response = await post('/hf-inference/models/naver-clova-ix/donut-base-finetuned-docvqa', {
        inputs: { image: 'aW1hZ2U=', question: 'What is the invoice number?' },
      });
      expect(await response.json()).toEqual([{ answer: 'us-001' }]);
    });

    it('answers a list of inputs one item per input, in order (zero-shot legacy shape, translation flat)', async () => {
      const zeroShot = await post('/hf-inference/models/facebook/bart-large-mnli', {
        inputs: ['I want a refund', 'legal trouble'],
        parameters: { candidate_labels: ['refund', 'legal'] },
      });
      const answers = (await zeroShot.json()) as Array<{ sequence: string; labels: string[] }>;
      expect(answers.map((answer) => [answer.sequence, answer.labels[0]])).toEqual([
        ['I want a refund', 'refund'],
        ['legal trouble', 'legal'],
      ]);
      const translated = await post('/hf-inference/models/Helsinki-NLP/opus-mt-ru-en', { inputs: ['Да', 'Нет'] });
      expect(await translated.json()).toEqual([{ translation_text: '[en] Да' }, { translation_text: '[en] Нет' }]);
    });

    it('summarization honours the legacy top-level max_length (in words here)', async () => {
      const response = await post('/hf-inference/models/facebook/bart-large-cnn', {
        inputs: 'The tower is 324 metres tall and the tallest structure in Paris. It opened in 1889.',
        parameters: { max_length: 3 },
      });
      expect(await response.json()).toEqual([{ summary_text: 'The tower is' }]);
    });

    it('a server that ignores stream: true answers the whole JSON body', async () => {
      const response = await post('/hf-inference/models/acme/no-stream/v1/chat/completions', {
        model: 'acme/no-stream',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ object: 'chat.completion' });
    });

    it('a strict server refuses the fields it does not know', async () => {
      const chat = await post('/hf-inference/models/acme/strict-chat/v1/chat/completions', {
        model: 'acme/strict-chat',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      expect(chat.status).toBe(422);
      const table = { Repository: ['Transformers'], Stars: ['36542'] };
      const both = await post('/hf-inference/models/acme/strict-tapas', {
        inputs: { question: 'Stars?', query: 'Stars?', table },
      });
      expect(both.status).toBe(400);
      const spec = await post('/hf-inference/models/acme/strict-tapas', { inputs: { question: 'Stars?', table } });
      expect(spec.status).toBe(200);
    });
  });
});
