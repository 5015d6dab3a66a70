import { z } from 'zod';
import { binaryDataSchema, binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { objectExpected, positiveIntSchema } from './shared-schemas';

export const imageToImage = defineTask({
  id: 'image-to-image',
  summary: 'Transform an image, optionally guided by a prompt.',
  hfSpec: 'image-to-image',
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        prompt: z.string().optional(),
        guidance_scale: z.number().optional(),
        negative_prompt: z.string().optional(),
        num_inference_steps: positiveIntSchema.optional(),
        /** Output size in pixels; ignored by providers and models that do not support it. */
        target_size: z
          .strictObject(
            { width: positiveIntSchema, height: positiveIntSchema },
            { error: objectExpected('{ width, height }') },
          )
          .optional(),
      })
      .optional(),
  }),
  output: z.looseObject({ image: binaryDataSchema }),
  example: {
    input: {
      inputs: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      parameters: { prompt: 'Turn the cat into a tiger', num_inference_steps: 25 },
    },
    output: {
      image: { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), contentType: 'image/png' },
    },
  },
});
