import { FAKE_HF_VALID_TOKEN } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHf } from '../hf-provider';
import { type FakeHfSetup, received, setupFakeHf } from '../test-support/fake-hf-setup';

// Shapes and requests from recorded live HF traffic that the adapter got wrong (issue #18); each answer is
// validated against the core task's output schema by `setup.run`, as the client does.

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());
beforeEach(() => setup.fake.server.reset());

const tgi = () =>
  createHf({ apiKey: FAKE_HF_VALID_TOKEN, baseURL: setup.fake.url, textGenerationRoute: 'tgi', env: {} });

describe('answers in their recorded shapes', () => {
  it('item 1: token-level embeddings of a list of texts, four levels deep, pass through', async () => {
    const result = await setup.run('feature-extraction', 'facebook/bart-base', {
      inputs: ['hello', 'That is a happy person'],
    });
    const embeddings = result.output as number[][][][];
    // texts × 1 × tokens × dims (768 on the wire for bart-base, 8 in the fake)
    expect(embeddings.map((text) => [text.length, text[0]?.length, text[0]?.[0]?.length])).toEqual([
      [1, 1, 8],
      [1, 5, 8],
    ]);
    const one = await setup.run('feature-extraction', 'facebook/bart-base', { inputs: 'hello there' });
    expect((one.output as number[][][])[0]).toHaveLength(2);
  });

  it('item 3: a document answer without score or offsets (donut) is accepted as it came', async () => {
    const result = await setup.run('document-question-answering', 'naver-clova-ix/donut-base-finetuned-docvqa', {
      inputs: { image: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), question: 'What is the invoice number?' },
    });
    expect(result.output).toEqual([{ answer: 'us-001' }]);
  });

  it('item 4: summarization sends the legacy top-level max_length where the pipeline takes it', async () => {
    const result = await setup.run('summarization', 'facebook/bart-large-cnn', {
      inputs: 'The tower is 324 metres tall and the tallest structure in Paris. It opened in 1889.',
      parameters: { max_length: 4, min_length: 1 },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: 'The tower is 324 metres tall and the tallest structure in Paris. It opened in 1889.',
      parameters: { max_length: 4, min_length: 1 },
    });
    expect(result.output).toEqual({ summary_text: 'The tower is 324' });
  });

  it('item 5: zero-shot classification of a list answers one sorted label list per text, in input order', async () => {
    const result = await setup.run('zero-shot-classification', 'facebook/bart-large-mnli', {
      inputs: ['I want a refund for this', 'Is there a faq page?'],
      parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
    });
    expect(received(setup.last()).body).toMatchObject({ inputs: ['I want a refund for this', 'Is there a faq page?'] });
    const perText = result.output as Array<Array<{ label: string; score: number }>>;
    expect(perText.map((labels) => labels[0]?.label)).toEqual(['refund', 'faq']);
    for (const labels of perText) {
      expect(labels.map((item) => item.score)).toEqual([...labels.map((item) => item.score)].sort((a, b) => b - a));
    }
  });

  it('item 5: zero-shot classification reads the one-text shapes for a one-text list', async () => {
    const remove = setup.fake.server.route(
      'POST',
      '/hf-inference/models/facebook/bart-large-mnli',
      (_request, response) => response.json(200, { sequence: 'x', labels: ['faq', 'refund'], scores: [0.3, 0.7] }),
    );
    try {
      const result = await setup.run('zero-shot-classification', 'facebook/bart-large-mnli', {
        inputs: ['x'],
        parameters: { candidate_labels: ['refund', 'faq'] },
      });
      expect(result.output).toEqual([
        [
          { label: 'refund', score: 0.7 },
          { label: 'faq', score: 0.3 },
        ],
      ]);
    } finally {
      remove();
    }
  });

  it('item 5: translation of a list answers one translation per text, in input order', async () => {
    const result = await setup.run('translation', 'Helsinki-NLP/opus-mt-ru-en', { inputs: ['Да', 'Нет', 'Привет'] });
    expect(result.output).toEqual([
      { translation_text: '[en] Да' },
      { translation_text: '[en] Нет' },
      { translation_text: '[en] Привет' },
    ]);
    // One string still gives one answer.
    expect((await setup.run('translation', 'Helsinki-NLP/opus-mt-ru-en', { inputs: 'Да' })).output).toEqual({
      translation_text: '[en] Да',
    });
  });

  it('item 5: a list answered with the wrong number of items is a bad response', async () => {
    const remove = setup.fake.server.route('POST', '/hf-inference/models/Helsinki-NLP/opus-mt-ru-en', (_r, response) =>
      response.json(200, [{ translation_text: 'only one' }]),
    );
    try {
      await expect(
        setup.provider.doRun({
          task: 'translation',
          model: { id: 'Helsinki-NLP/opus-mt-ru-en' },
          input: { inputs: ['Да', 'Нет'] },
        }),
      ).rejects.toMatchObject({ code: 'provider_bad_response' });
    } finally {
      remove();
    }
  });
});

describe('requests as the official clients send them', () => {
  it('item 6: temperature 0 on the TGI route is sent as greedy decoding (TGI refuses 0)', async () => {
    await tgi().doRun({
      task: 'text-generation',
      model: { id: 'gpt2' },
      input: { inputs: 'Say', parameters: { temperature: 0, max_new_tokens: 3 } },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: 'Say',
      parameters: { max_new_tokens: 3, do_sample: false },
    });
  });

  it('item 6: temperature 0 on the /v1/completions route goes as it is (valid there)', async () => {
    await setup.provider.doRun({
      task: 'text-generation',
      model: { id: 'openai-community/gpt2' },
      input: { inputs: 'Say', parameters: { temperature: 0 } },
    });
    expect(received(setup.last()).body).toMatchObject({ prompt: 'Say', temperature: 0 });
  });

  it('item 8: return_full_text goes to TGI only when the caller sets it', async () => {
    const result = await tgi().doRun({
      task: 'text-generation',
      model: { id: 'gpt2' },
      input: { inputs: 'Say', parameters: { return_full_text: true, max_new_tokens: 2 } },
    });
    expect(received(setup.last()).body).toEqual({
      inputs: 'Say',
      parameters: { return_full_text: true, max_new_tokens: 2 },
    });
    expect(result.output.generated_text).toBe('Say The answer');
  });

  it('item 8: table QA sends question and query; a strict server that refuses query gets {question, table} once more', async () => {
    const table = { Repository: ['Transformers', 'Datasets'], Stars: ['36542', '4512'] };
    await setup.run('table-question-answering', 'google/tapas-base-finetuned-wtq', {
      inputs: { question: 'How many stars does Transformers have?', table },
    });
    expect(setup.fake.server.requests).toHaveLength(1);
    expect(received(setup.last()).body).toMatchObject({
      inputs: { question: expect.any(String), query: expect.any(String) },
    });

    setup.fake.server.reset();
    const result = await setup.run('table-question-answering', 'acme/strict-tapas', {
      inputs: { question: 'How many stars does Transformers have?', table },
    });
    const bodies = setup.fake.server.requests.map((request) => request.json<{ inputs: object }>().inputs);
    expect(bodies.map((inputs) => Object.keys(inputs).sort())).toEqual([
      ['query', 'question', 'table'],
      ['question', 'table'],
    ]);
    expect(result.output).toMatchObject({ answer: 'AVERAGE > 36542' });
  });

  it('item 8: a request refused for another reason is sent at most twice and fails with the upstream error', async () => {
    setup.fake.server.fault(
      'POST /hf-inference/models/*',
      { kind: 'status', status: 400, body: { error: 'bad table' } },
      { times: 2 },
    );
    await expect(
      setup.provider.doRun({
        task: 'table-question-answering',
        model: { id: 'google/tapas-base-finetuned-wtq' },
        input: { inputs: { question: 'q', table: { a: ['1'] } } },
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(setup.fake.server.requests).toHaveLength(2);
  });
});
