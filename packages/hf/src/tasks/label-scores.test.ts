import { getTask } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { hfTaskMappings } from './hf-task-mappings';
import { isLabelScoreList } from './label-scores';
import type { HfResponseContext } from './task-mapping';

const outputSchema = getTask('text-classification').output;
const context: HfResponseContext = {
  provider: 'hf',
  task: 'text-classification',
  modelId: 'org/model',
  routerBase: 'https://router.huggingface.co',
  textGenerationRoute: 'completions',
  stream: false,
};
const classify = (json: unknown) =>
  hfTaskMappings['text-classification'].response({ kind: 'json', json }, context).output;

const lists: unknown[] = [
  [
    { label: 'POSITIVE', score: 0.9 },
    { label: 'NEGATIVE', score: 0.1 },
  ],
  [{ label: 'a', score: 1, extra: { x: 1 } }],
  [],
  [{ label: 'a' }],
  [{ label: 1, score: 1 }],
  [{ label: 'a', score: '0.5' }],
  [{ label: 'a', score: Number.POSITIVE_INFINITY }],
  [{ label: 'a', score: Number.NaN }],
  [null],
  [[{ label: 'a', score: 1 }]],
  { label: 'a', score: 1 },
  'POSITIVE',
];

describe('isLabelScoreList (the label-score list schema by hand)', () => {
  it.each(lists.map((list) => [JSON.stringify(list), list]))(
    'agrees with the task output schema on %s',
    (_name, list) => {
      expect(isLabelScoreList(list)).toBe(outputSchema.safeParse(list).success);
    },
  );
});

describe('text-classification answers', () => {
  const labels = [{ label: 'POSITIVE', score: 0.9 }];
  it.each([
    ['the list of lists', [labels], labels],
    ['the flat list', labels, labels],
    ['the first of several inner lists', [labels, [{ label: 'NEGATIVE', score: 0.2 }]], labels],
    ['an empty list', [], []],
  ])('maps %s to a list the output schema accepts', (_name, json, expected) => {
    const output = classify(json);
    expect(output).toEqual(expected);
    expect(outputSchema.safeParse(output).success).toBe(true);
  });

  it.each([
    ['a score that is not a number', [[{ label: 'a', score: '1' }]]],
    ['a second inner list that is broken', [labels, [{ label: 2 }]]],
    ['lists mixed with items', [labels, { label: 'a', score: 1 }]],
    ['an object', { label: 'a', score: 1 }],
  ])('rejects %s as a bad response naming what was expected', (_name, json) => {
    expect(() => classify(json)).toThrow(
      expect.objectContaining({
        code: 'provider_bad_response',
        message: expect.stringContaining('[[{label, score}]] or [{label, score}]'),
      }),
    );
  });
});
