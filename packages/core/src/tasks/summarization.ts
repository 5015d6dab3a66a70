import { z } from 'zod';
import { defineTask } from './define-task';
import { generateKwargsSchema, text2TextTruncationSchema } from './shared-schemas';

export const summarization = defineTask({
  id: 'summarization',
  summary: 'Condense a text into a shorter summary.',
  hfSpec: 'summarization',
  // Array `inputs` is legacy and unverified on the router: core batches per item
  // when the provider does not declare native batching.
  batchable: true,
  input: z.strictObject({
    inputs: z.string({ error: 'expected the text to summarise (a string)' }),
    parameters: z
      .strictObject({
        clean_up_tokenization_spaces: z.boolean().optional(),
        truncation: text2TextTruncationSchema.optional(),
        /** Free-form generate() kwargs: `max_length`, `min_length`, `num_beams`, … */
        generate_parameters: generateKwargsSchema.optional(),
      })
      .optional(),
  }),
  output: z.looseObject({ summary_text: z.string() }),
  example: {
    input: {
      inputs:
        'The tower is 324 metres (1,063 ft) tall, about the same height as an 81-storey building, and the tallest structure in Paris. Its base is square, measuring 125 metres (410 ft) on each side.',
      parameters: { generate_parameters: { max_length: 40 } },
    },
    output: { summary_text: 'The tower is 324 metres tall, the tallest structure in Paris.' },
  },
});
