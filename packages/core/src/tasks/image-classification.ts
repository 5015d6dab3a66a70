import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { functionToApplySchema, labelScoreListSchema, positiveIntSchema } from './shared-schemas';

export const imageClassification = defineTask({
  id: 'image-classification',
  summary: 'Label an image with scores.',
  hfSpec: 'image-classification',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        function_to_apply: functionToApplySchema.optional(),
        top_k: positiveIntSchema.optional(),
      })
      .optional(),
  }),
  output: labelScoreListSchema,
  example: {
    input: {
      inputs: 'https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/cats.png',
      parameters: { top_k: 2 },
    },
    output: [
      { label: 'tabby, tabby cat', score: 0.472 },
      { label: 'Egyptian cat', score: 0.287 },
    ],
  },
});
