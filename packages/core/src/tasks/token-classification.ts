import { z } from 'zod';
import { defineTask } from './define-task';
import { nonNegativeIntSchema } from './shared-schemas';

export const tokenClassification = defineTask({
  id: 'token-classification',
  summary: 'Find named entities (people, places, …) in a text, with character offsets.',
  hfSpec: 'token-classification',
  // Array `inputs` is legacy and unverified on the router: core batches per item
  // when the provider does not declare native batching.
  batchable: true,
  deterministic: true,
  input: z.strictObject({
    inputs: z.string({ error: 'expected the text to analyse (a string)' }),
    parameters: z
      .strictObject({
        aggregation_strategy: z.enum(['none', 'simple', 'first', 'average', 'max']).optional(),
        ignore_labels: z.array(z.string(), { error: 'expected a list of labels (strings)' }).optional(),
        stride: nonNegativeIntSchema.optional(),
      })
      .optional(),
  }),
  output: z.array(
    z.looseObject({
      /** The label when tokens are aggregated (any strategy but `none`). */
      entity_group: z.string().optional(),
      /** The per-token label (aggregation `none`). */
      entity: z.string().optional(),
      score: z.number(),
      word: z.string(),
      /** Character offsets into `inputs`; `end` is exclusive. */
      start: z.number(),
      end: z.number(),
    }),
  ),
  example: {
    input: {
      inputs: 'My name is Sarah Jessica Parker but you can call me Jessica',
      parameters: { aggregation_strategy: 'simple' },
    },
    output: [
      { entity_group: 'PER', score: 0.9991, word: 'Sarah Jessica Parker', start: 11, end: 31 },
      { entity_group: 'PER', score: 0.998, word: 'Jessica', start: 52, end: 59 },
    ],
  },
});
