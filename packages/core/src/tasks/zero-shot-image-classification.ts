import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { labelListSchema, labelScoreListSchema, objectExpected } from './shared-schemas';

export const zeroShotImageClassification = defineTask({
  id: 'zero-shot-image-classification',
  summary: 'Score an image against labels chosen at call time.',
  hfSpec: 'zero-shot-image-classification',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z.strictObject(
      {
        candidate_labels: labelListSchema,
        /** Transformers default: `"This is a photo of {}."`. */
        hypothesis_template: z.string().optional(),
      },
      { error: objectExpected('parameters with candidate_labels') },
    ),
  }),
  output: labelScoreListSchema,
  example: {
    input: {
      inputs: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      parameters: { candidate_labels: ['cat', 'dog', 'bird'] },
    },
    output: [
      { label: 'cat', score: 0.9712 },
      { label: 'dog', score: 0.0251 },
      { label: 'bird', score: 0.0037 },
    ],
  },
});
