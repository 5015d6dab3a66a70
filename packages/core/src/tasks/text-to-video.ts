import { z } from 'zod';
import { binaryDataSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, positiveIntSchema } from './shared-schemas';

export const textToVideo = defineTask({
  id: 'text-to-video',
  summary: 'Generate a short video from a prompt (Hugging Face inference providers).',
  hfSpec: 'text-to-video',
  input: z.strictObject({
    inputs: z.string({ error: 'expected the prompt (a string)' }).min(1, 'expected a non-empty prompt'),
    parameters: z
      .strictObject({
        num_frames: positiveIntSchema.optional(),
        guidance_scale: z.number().optional(),
        /** A list here, unlike text-to-image. */
        negative_prompt: z.array(z.string(), { error: 'expected a list of negative prompts (strings)' }).optional(),
        num_inference_steps: positiveIntSchema.optional(),
        seed: nonNegativeIntSchema.optional(),
      })
      .optional(),
  }),
  output: z.looseObject({ video: binaryDataSchema }),
  example: {
    input: { inputs: 'A young man walking on the street', parameters: { num_frames: 49, seed: 7 } },
    output: {
      video: { data: new Uint8Array([0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70]), contentType: 'video/mp4' },
    },
  },
});
