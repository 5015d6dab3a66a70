import { z } from 'zod';
import { defineTask } from './define-task';
import { positiveIntSchema } from './shared-schemas';

export const fillMask = defineTask({
  id: 'fill-mask',
  summary: "Predict the word behind the model's mask token ([MASK], <mask>).",
  hfSpec: 'fill-mask',
  // Array `inputs` is legacy and unverified on the router: core batches per item
  // when the provider does not declare native batching.
  batchable: true,
  deterministic: true,
  input: z.strictObject({
    inputs: z.string({ error: "expected a text containing the model's mask token (a string)" }),
    parameters: z
      .strictObject({
        top_k: positiveIntSchema.optional(),
        targets: z.array(z.string(), { error: 'expected a list of candidate tokens (strings)' }).optional(),
      })
      .optional(),
  }),
  output: z.array(
    z.looseObject({
      sequence: z.string(),
      score: z.number(),
      token: z.number(),
      token_str: z.string(),
    }),
  ),
  example: {
    input: { inputs: 'The answer to the universe is [MASK].' },
    output: [{ sequence: 'the answer to the universe is no.', score: 0.169, token: 2053, token_str: 'no' }],
  },
});
