import { describe, expect, it } from 'vitest';
import { hfTaskMappings } from './hf-task-mappings';
import type { HfResponseContext } from './task-mapping';

// The second shape of each answer the API has two of (wire/hf §5): the router's current one is exercised
// against the fake in the other tests; these check the other one maps to the same output.

const context = (task: keyof typeof hfTaskMappings, extra: Partial<HfResponseContext> = {}): HfResponseContext => ({
  provider: 'hf',
  task,
  modelId: 'org/model',
  routerBase: 'https://router.huggingface.co',
  textGenerationRoute: 'completions',
  stream: false,
  ...extra,
});
const json = (value: unknown) => ({ kind: 'json' as const, json: value });

describe('both shapes are accepted', () => {
  it('zero-shot: legacy {sequence, labels, scores} is zipped and sorted', () => {
    const mapped = hfTaskMappings['zero-shot-classification'].response(
      json({ sequence: 'x', labels: ['faq', 'refund'], scores: [0.1, 0.9] }),
      context('zero-shot-classification'),
    );
    expect(mapped.output).toEqual([
      { label: 'refund', score: 0.9 },
      { label: 'faq', score: 0.1 },
    ]);
  });

  it('zero-shot: labels and scores of different lengths are a bad response', () => {
    expect(() =>
      hfTaskMappings['zero-shot-classification'].response(
        json({ labels: ['a', 'b'], scores: [1] }),
        context('zero-shot-classification'),
      ),
    ).toThrow(expect.objectContaining({ code: 'provider_bad_response' }));
  });

  it('text-classification: a flat list as well as the list of lists', () => {
    const flat = [{ label: 'POSITIVE', score: 0.9 }];
    expect(hfTaskMappings['text-classification'].response(json(flat), context('text-classification')).output).toEqual(
      flat,
    );
    expect(hfTaskMappings['text-classification'].response(json([flat]), context('text-classification')).output).toEqual(
      flat,
    );
  });

  it('question-answering: a list keeps the best (first) answer', () => {
    const answers = [
      { answer: 'Clara', score: 0.9, start: 11, end: 16 },
      { answer: 'Berkeley', score: 0.1, start: 31, end: 39 },
    ];
    expect(hfTaskMappings['question-answering'].response(json(answers), context('question-answering')).output).toEqual(
      answers[0],
    );
  });

  it('image-to-text: the legacy [{generated_text}]', () => {
    expect(
      hfTaskMappings['image-to-text'].response(json([{ generated_text: 'a cat' }]), context('image-to-text')).output,
    ).toEqual({ generated_text: 'a cat' });
  });

  it('text-generation (TGI route): {generated_text, details} as well as [{generated_text}]', () => {
    const tgi = context('text-generation', { textGenerationRoute: 'tgi' });
    const object = { generated_text: ' 42', details: { finish_reason: 'length', generated_tokens: 1, seed: null } };
    expect(hfTaskMappings['text-generation'].response(json(object), tgi).output).toEqual(object);
    expect(hfTaskMappings['text-generation'].response(json([{ generated_text: ' 42' }]), tgi).output).toEqual({
      generated_text: ' 42',
    });
  });

  it('feature-extraction: depth 1 to 4 pass through (token-level embeddings of a list); anything else is a bad response', () => {
    for (const value of [[0.1, 0.2], [[0.1, 0.2]], [[[0.1], [0.2]]], [[[[2.67, 0.1]]], [[[0.3, 1.2]]]]]) {
      expect(hfTaskMappings['feature-extraction'].response(json(value), context('feature-extraction')).output).toEqual(
        value,
      );
    }
    expect(() =>
      hfTaskMappings['feature-extraction'].response(json([[[[[0.1]]]]]), context('feature-extraction')),
    ).toThrow(expect.objectContaining({ code: 'provider_bad_response' }));
  });

  it('text-to-image: {data: [{b64_json}]} from other backends is decoded', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const mapped = hfTaskMappings['text-to-image'].response(
      json({ data: [{ b64_json: png.toString('base64') }] }),
      context('text-to-image'),
    );
    expect(mapped.output.image.contentType).toBe('image/png');
    expect(Buffer.from(mapped.output.image.data).equals(png)).toBe(true);
  });

  it('text-to-speech: the older [{blob, content-type}] JSON is decoded', () => {
    const mapped = hfTaskMappings['text-to-speech'].response(
      json([{ blob: Buffer.from('fLaC').toString('base64'), 'content-type': 'audio/flac' }]),
      context('text-to-speech'),
    );
    expect(mapped.output.audio).toEqual({ data: new Uint8Array(Buffer.from('fLaC')), contentType: 'audio/flac' });
  });

  it('visual-question-answering: a bare object is wrapped in a list', () => {
    expect(
      hfTaskMappings['visual-question-answering'].response(
        json({ answer: 'cat', score: 0.9 }),
        context('visual-question-answering'),
      ).output,
    ).toEqual([{ answer: 'cat', score: 0.9 }]);
  });
});
