import { z } from 'zod';
import { binaryDataSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { generationParametersSchema } from './shared-schemas';

export const textToSpeech = defineTask({
  id: 'text-to-speech',
  summary: 'Speak a text aloud (audio out).',
  hfSpec: 'text-to-speech',
  input: z.strictObject({
    inputs: z.string({ error: 'expected the text to speak (a string)' }).min(1, 'expected a non-empty text'),
    parameters: z
      .strictObject({
        generation_parameters: generationParametersSchema.optional(),
      })
      .optional(),
  }),
  output: z.looseObject({
    audio: binaryDataSchema,
    /** Hz, when the provider reports it (raw-bytes responses do not). */
    sampling_rate: z.number().optional(),
  }),
  example: {
    input: { inputs: 'The answer to the universe is 42.' },
    output: { audio: { data: new Uint8Array([0x66, 0x4c, 0x61, 0x43]), contentType: 'audio/flac' } },
  },
});
