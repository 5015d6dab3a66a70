import { z } from 'zod';
import { defineTask } from './define-task';
import {
  generateKwargsSchema,
  nonNegativeIntSchema,
  positiveIntSchema,
  text2TextTruncationSchema,
} from './shared-schemas';

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
        // The legacy API's top-level generation parameters (wire/hf §5.7; hub-docs `detailed_parameters.mdx`,
        // 2022). Still sent by seed-era callers (`max_length: 40` gave pegasus's one-line summary); the HF toolkit
        // passes `parameters` to the transformers pipeline as keyword arguments, which hands these to generate().
        min_length: nonNegativeIntSchema.optional(),
        max_length: positiveIntSchema.optional(),
        top_k: positiveIntSchema.optional(),
        top_p: z.number().min(0).max(1).optional(),
        temperature: z.number().min(0).max(100).optional(),
        repetition_penalty: z.number().min(0).max(100).optional(),
        /** Seconds the generation may take (the legacy API capped it at 120). */
        max_time: z.number().positive().max(120).optional(),
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
