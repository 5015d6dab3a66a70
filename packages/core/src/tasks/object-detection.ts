import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';

export const objectDetection = defineTask({
  id: 'object-detection',
  summary: 'Find objects in an image, with labels and pixel bounding boxes.',
  hfSpec: 'object-detection',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        /** Minimum score to keep a detection (pipeline default 0.5). */
        threshold: z.number().min(0).max(1).optional(),
      })
      .optional(),
  }),
  output: z.array(
    z.looseObject({
      label: z.string(),
      score: z.number(),
      /** Pixels in the input image, from its top-left corner. */
      box: z.looseObject({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() }),
    }),
  ),
  example: {
    input: { inputs: 'data:image/png;base64,iVBORw0KGgo=', parameters: { threshold: 0.9 } },
    output: [{ label: 'cat', score: 0.9982, box: { xmin: 12, ymin: 52, xmax: 315, ymax: 472 } }],
  },
});
