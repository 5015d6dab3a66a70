import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';
import { defineTask } from './define-task';
import { generationParametersSchema } from './shared-schemas';

export const automaticSpeechRecognition = defineTask({
  id: 'automatic-speech-recognition',
  summary: 'Transcribe speech audio to text.',
  hfSpec: 'automatic-speech-recognition',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        return_timestamps: z.boolean().optional(),
        generation_parameters: generationParametersSchema.optional(),
      })
      .optional(),
  }),
  output: z.looseObject({
    text: z.string(),
    /** Present when `return_timestamps` is set. `timestamp` is `[start, end]` in seconds; `end` may be null on the last chunk. */
    chunks: z
      .array(z.looseObject({ text: z.string(), timestamp: z.tuple([z.number(), z.number().nullable()]) }))
      .optional(),
  }),
  example: {
    input: { inputs: new Uint8Array([0x66, 0x4c, 0x61, 0x43]) },
    output: { text: ' He hoped there would be stew for dinner, turnips and carrots.' },
  },
});
