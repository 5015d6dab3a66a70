import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { generationParametersSchema, positiveIntSchema } from './shared-schemas';

export const imageToText = defineTask({
  id: 'image-to-text',
  summary: 'Caption an image.',
  hfSpec: 'image-to-text',
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        max_new_tokens: positiveIntSchema.optional(),
        generation_parameters: generationParametersSchema.optional(),
      })
      .optional(),
  }),
  // Adapters take the first item when the upstream returns the legacy `[{generated_text}]`.
  output: z.looseObject({ generated_text: z.string() }),
  example: {
    input: { inputs: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), parameters: { max_new_tokens: 30 } },
    output: { generated_text: 'two cats sleeping on a pink blanket' },
  },
});
