import { z } from 'zod';
import { defineTask } from './define-task';
import { imageQuestionSchema, positiveIntSchema } from './shared-schemas';

export const visualQuestionAnswering = defineTask({
  id: 'visual-question-answering',
  summary: 'Answer a question about an image.',
  hfSpec: 'visual-question-answering',
  deterministic: true,
  binaryInputs: ['inputs.image'],
  input: z.strictObject({
    inputs: imageQuestionSchema,
    parameters: z
      .strictObject({
        top_k: positiveIntSchema.optional(),
      })
      .optional(),
  }),
  output: z.array(z.looseObject({ answer: z.string(), score: z.number() })),
  example: {
    input: {
      inputs: { image: new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), question: 'What animal is on the sofa?' },
      parameters: { top_k: 2 },
    },
    output: [
      { answer: 'cat', score: 0.9421 },
      { answer: 'cats', score: 0.0312 },
    ],
  },
});
