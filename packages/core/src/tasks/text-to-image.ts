import { z } from 'zod';
import { binaryDataSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, positiveIntSchema } from './shared-schemas';

export const textToImage = defineTask({
  id: 'text-to-image',
  summary: 'Generate an image from a prompt (Hugging Face diffusion models).',
  hfSpec: 'text-to-image',
  input: z.strictObject({
    inputs: z.string({ error: 'expected the prompt (a string)' }).min(1, 'expected a non-empty prompt'),
    parameters: z
      .strictObject({
        guidance_scale: z.number().optional(),
        negative_prompt: z.string().optional(),
        num_inference_steps: positiveIntSchema.optional(),
        width: positiveIntSchema.optional(),
        height: positiveIntSchema.optional(),
        scheduler: z.string().optional(),
        seed: nonNegativeIntSchema.optional(),
      })
      .optional(),
  }),
  output: z.looseObject({ image: binaryDataSchema }),
  example: {
    input: {
      inputs: 'a photo of an astronaut riding a horse',
      parameters: { width: 512, height: 512, num_inference_steps: 30, seed: 42 },
    },
    output: { image: { data: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), contentType: 'image/jpeg' } },
  },
});
