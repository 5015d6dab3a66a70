import { z } from 'zod';
import { defineTask } from './define-task';
import { functionToApplySchema, labelScoreListSchema } from './shared-schemas';

export const textClassification = defineTask({
  id: 'text-classification',
  summary: 'Label a text (sentiment, topic, …) with scores.',
  hfSpec: 'text-classification',
  // Array `inputs` is legacy and unverified on the router: core batches per item
  // when the provider does not declare native batching.
  batchable: true,
  deterministic: true,
  input: z.strictObject({
    inputs: z.string({ error: 'expected the text to classify (a string)' }),
    parameters: z
      .strictObject({
        function_to_apply: functionToApplySchema.optional(),
        top_k: z.int().positive().optional(),
      })
      .optional(),
  }),
  output: labelScoreListSchema,
  example: {
    input: { inputs: 'I like you. I love you', parameters: { top_k: 2 } },
    output: [
      { label: 'POSITIVE', score: 0.9998 },
      { label: 'NEGATIVE', score: 0.0001 },
    ],
  },
});
