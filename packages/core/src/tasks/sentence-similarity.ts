import { z } from 'zod';
import { defineTask } from './define-task';
import { objectExpected } from './shared-schemas';

export const sentenceSimilarity = defineTask({
  id: 'sentence-similarity',
  summary: 'Score how similar each sentence is to a source sentence (cosine).',
  hfSpec: 'sentence-similarity',
  deterministic: true,
  input: z.strictObject({
    inputs: z.strictObject(
      {
        source_sentence: z.string({ error: 'expected the sentence to compare against (a string)' }),
        sentences: z
          .array(z.string({ error: 'expected a sentence (a string)' }), {
            error: 'expected a list of sentences (strings)',
          })
          .min(1, 'expected at least one sentence'),
      },
      { error: objectExpected('{ source_sentence, sentences }') },
    ),
    // The spec defines no parameters.
    parameters: z.strictObject({}).optional(),
  }),
  /** One similarity per item of `sentences`, in the same order. */
  output: z.array(z.number()),
  example: {
    input: {
      inputs: { source_sentence: 'That is a happy person', sentences: ['That is a happy dog', 'Today is a sunny day'] },
    },
    output: [0.6945, 0.2571],
  },
});
