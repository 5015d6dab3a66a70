import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';

export const imageSegmentation = defineTask({
  id: 'image-segmentation',
  summary: 'Split an image into labelled masks.',
  hfSpec: 'image-segmentation',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        mask_threshold: z.number().min(0).max(1).optional(),
        overlap_mask_area_threshold: z.number().min(0).max(1).optional(),
        subtask: z.enum(['instance', 'panoptic', 'semantic']).optional(),
        threshold: z.number().min(0).max(1).optional(),
      })
      .optional(),
  }),
  output: z.array(
    z.looseObject({
      label: z.string(),
      /** Base64 PNG, black and white, the size of the input image. */
      mask: z.string(),
      /** Missing or null for semantic segmentation. */
      score: z.number().nullable().optional(),
    }),
  ),
  example: {
    input: { inputs: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), parameters: { subtask: 'semantic' } },
    output: [
      {
        label: 'cat',
        mask: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==',
        score: null,
      },
    ],
  },
});
