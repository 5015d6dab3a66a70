import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHfSetup, received, setupFakeHf } from '../test-support/fake-hf-setup';

let setup: FakeHfSetup;
beforeAll(async () => {
  setup = await setupFakeHf();
});
afterAll(() => setup.close());

const run: FakeHfSetup['run'] = (task, model, input) => setup.run(task, model, input);

describe('text tasks on hf-inference: what the upstream received, and the mapped output', () => {
  it('text-classification: {inputs, parameters} → the inner list of the list-of-lists', async () => {
    const result = await run('text-classification', 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', {
      inputs: 'I like you. I love you',
      parameters: { top_k: 2 },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "I like you. I love you",
          "parameters": {
            "top_k": 2,
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english",
      }
    `);
    expect(result).toMatchInlineSnapshot(`
      {
        "output": [
          {
            "label": "POSITIVE",
            "score": 0.982,
          },
          {
            "label": "NEGATIVE",
            "score": 0.018,
          },
        ],
        "usage": {
          "characters": 22,
          "computeSeconds": 0.012,
          "computeType": "cpu",
        },
        "warnings": [],
      }
    `);
  });

  it('token-classification', async () => {
    const result = await run('token-classification', 'dslim/bert-base-NER', {
      inputs: 'My name is Sarah Jessica Parker but you can call me Jessica',
      parameters: { aggregation_strategy: 'simple' },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "My name is Sarah Jessica Parker but you can call me Jessica",
          "parameters": {
            "aggregation_strategy": "simple",
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/dslim/bert-base-NER",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "end": 31,
          "entity_group": "PER",
          "score": 0.9991,
          "start": 11,
          "word": "Sarah Jessica Parker",
        },
        {
          "end": 59,
          "entity_group": "PER",
          "score": 0.9991,
          "start": 52,
          "word": "Jessica",
        },
      ]
    `);
  });

  it('zero-shot-classification: candidate_labels in parameters; the router list is kept sorted', async () => {
    const result = await run('zero-shot-classification', 'facebook/bart-large-mnli', {
      inputs: 'Hi, I recently bought a device from your company but it is not working as advertised. I want a refund.',
      parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "Hi, I recently bought a device from your company but it is not working as advertised. I want a refund.",
          "parameters": {
            "candidate_labels": [
              "refund",
              "legal",
              "faq",
            ],
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/facebook/bart-large-mnli",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "label": "refund",
          "score": 0.9572,
        },
        {
          "label": "legal",
          "score": 0.0214,
        },
        {
          "label": "faq",
          "score": 0.0214,
        },
      ]
    `);
  });

  it('fill-mask', async () => {
    const result = await run('fill-mask', 'google-bert/bert-base-uncased', {
      inputs: 'The answer to the universe is [MASK].',
      parameters: { top_k: 2 },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "The answer to the universe is [MASK].",
          "parameters": {
            "top_k": 2,
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/google-bert/bert-base-uncased",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        {
          "score": 0.4271,
          "sequence": "the answer to the universe is love.",
          "token": 2003,
          "token_str": "love",
        },
        {
          "score": 0.3047,
          "sequence": "the answer to the universe is life.",
          "token": 2002,
          "token_str": "life",
        },
      ]
    `);
  });

  it('question-answering: the single-object answer', async () => {
    const result = await run('question-answering', 'deepset/roberta-base-squad2', {
      inputs: { question: 'What is my name?', context: 'My name is Clara and I live in Berkeley.' },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": {
            "context": "My name is Clara and I live in Berkeley.",
            "question": "What is my name?",
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/deepset/roberta-base-squad2",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      {
        "answer": "Clara",
        "end": 16,
        "score": 0.93,
        "start": 11,
      }
    `);
  });

  it('question-answering with top_k: the list form, best answer kept', async () => {
    const result = await run('question-answering', 'deepset/roberta-base-squad2', {
      inputs: { question: 'Where do I live?', context: 'My name is Clara and I live in Berkeley.' },
      parameters: { top_k: 2 },
    });
    expect(result.output).toMatchInlineSnapshot(`
      {
        "answer": "Clara",
        "end": 16,
        "score": 0.93,
        "start": 11,
      }
    `);
  });

  it('table-question-answering', async () => {
    const result = await run('table-question-answering', 'google/tapas-base-finetuned-wtq', {
      inputs: {
        question: 'How many stars does the transformers repository have?',
        table: { Repository: ['Transformers', 'Datasets'], Stars: ['36542', '4512'] },
      },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": {
            "query": "How many stars does the transformers repository have?",
            "question": "How many stars does the transformers repository have?",
            "table": {
              "Repository": [
                "Transformers",
                "Datasets",
              ],
              "Stars": [
                "36542",
                "4512",
              ],
            },
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/google/tapas-base-finetuned-wtq",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      {
        "aggregator": "AVERAGE",
        "answer": "AVERAGE > 36542",
        "cells": [
          "36542",
        ],
        "coordinates": [
          [
            0,
            1,
          ],
        ],
      }
    `);
  });

  it('summarization: [{summary_text}] → the object', async () => {
    const result = await run('summarization', 'facebook/bart-large-cnn', {
      inputs: 'The tower is 324 metres tall. It is the tallest structure in Paris.',
      parameters: { generate_parameters: { max_length: 40 } },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "The tower is 324 metres tall. It is the tallest structure in Paris.",
          "parameters": {
            "generate_parameters": {
              "max_length": 40,
            },
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/facebook/bart-large-cnn",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      {
        "summary_text": "The tower is 324 metres tall.",
      }
    `);
  });

  it('translation', async () => {
    const result = await run('translation', 'Helsinki-NLP/opus-mt-ru-en', {
      inputs: 'Меня зовут Вольфганг',
      parameters: { src_lang: 'ru', tgt_lang: 'en' },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "Меня зовут Вольфганг",
          "parameters": {
            "src_lang": "ru",
            "tgt_lang": "en",
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/Helsinki-NLP/opus-mt-ru-en",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      {
        "translation_text": "[en] Меня зовут Вольфганг",
      }
    `);
  });

  it('feature-extraction: /pipeline/feature-extraction, options at the root', async () => {
    const result = await run('feature-extraction', 'sentence-transformers/all-MiniLM-L6-v2', {
      inputs: 'Today is a sunny day',
      normalize: true,
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": "Today is a sunny day",
          "normalize": true,
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        0.763355,
        -0.069214,
        0.177548,
        -0.177548,
        0.301931,
        -0.021065,
        0.287888,
        -0.41829,
      ]
    `);
  });

  it('sentence-similarity: /pipeline/sentence-similarity', async () => {
    const result = await run('sentence-similarity', 'sentence-transformers/all-MiniLM-L6-v2', {
      inputs: {
        source_sentence: 'That is a happy person',
        sentences: ['That is a happy person', 'Today is a sunny day'],
      },
    });
    expect(received(setup.last())).toMatchInlineSnapshot(`
      {
        "body": {
          "inputs": {
            "sentences": [
              "That is a happy person",
              "Today is a sunny day",
            ],
            "source_sentence": "That is a happy person",
          },
        },
        "headers": {
          "authorization": "Bearer <token>",
          "content-type": "application/json",
        },
        "method": "POST",
        "url": "/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/sentence-similarity",
      }
    `);
    expect(result.output).toMatchInlineSnapshot(`
      [
        1,
        0.208,
      ]
    `);
  });
});

describe('feature-extraction batching', () => {
  it('declares a max batch size and sends one call for many inputs, split back per input', async () => {
    expect(setup.provider.tasks['feature-extraction']).toEqual({ maxBatchSize: 32 });
    const batch = await setup.provider.doBatch({
      task: 'feature-extraction',
      model: { id: 'sentence-transformers/all-MiniLM-L6-v2' },
      inputs: [{ inputs: 'first' }, { inputs: ['second', 'third'] }, { inputs: 'fourth' }],
    });
    expect(setup.fake.server.requests.at(-1)?.json()).toEqual({ inputs: ['first', 'second', 'third', 'fourth'] });
    expect(
      batch.outputs.map((output) => (Array.isArray(output[0]) ? `${output.length} vectors` : `${output.length} dims`)),
    ).toEqual(['8 dims', '2 vectors', '8 dims']);
    const single = await setup.provider.doRun({
      task: 'feature-extraction',
      model: { id: 'sentence-transformers/all-MiniLM-L6-v2' },
      input: { inputs: 'third' },
    });
    expect((batch.outputs[1] as number[][])[1]).toEqual(single.output);
  });

  it('refuses a batch whose items have different options, naming the item', async () => {
    await expect(
      setup.provider.doBatch({
        task: 'feature-extraction',
        model: { id: 'sentence-transformers/all-MiniLM-L6-v2' },
        inputs: [{ inputs: 'a' }, { inputs: 'b', normalize: false }],
      }),
    ).rejects.toMatchObject({ code: 'caller_invalid_input', message: expect.stringContaining('inputs[1]') });
  });

  it('refuses `dimensions` before any call: the HF spec has no such option', async () => {
    const before = setup.fake.server.requests.length;
    const model = { id: 'sentence-transformers/all-MiniLM-L6-v2' };
    await expect(
      setup.provider.doRun({ task: 'feature-extraction', model, input: { inputs: 'a', dimensions: 4 } }),
    ).rejects.toMatchObject({
      code: 'caller_unsupported',
      details: { field: 'dimensions' },
    });
    await expect(
      setup.provider.doBatch({
        task: 'feature-extraction',
        model,
        inputs: [{ inputs: 'a' }, { inputs: 'b', dimensions: 4 }],
      }),
    ).rejects.toMatchObject({
      code: 'caller_unsupported',
      details: { field: 'inputs[1].dimensions' },
    });
    expect(setup.fake.server.requests.length).toBe(before);
  });

  it('has no batch route for the other tasks', async () => {
    await expect(
      setup.provider.doBatch({
        task: 'text-classification',
        model: { id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english' },
        inputs: [{ inputs: 'a' }],
      }),
    ).rejects.toMatchObject({ code: 'caller_unsupported' });
  });
});
