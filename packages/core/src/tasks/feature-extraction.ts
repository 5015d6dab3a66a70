import { z } from 'zod';
import { defineTask } from './define-task';
import { positiveIntSchema } from './shared-schemas';

const vectorSchema = z.array(z.number());

export const featureExtraction = defineTask({
  id: 'feature-extraction',
  summary: 'Embed one text or a list of texts as vectors.',
  hfSpec: 'feature-extraction',
  // The one task whose array `inputs` is documented by the spec (TEI).
  batchable: true,
  deterministic: true,
  // Options sit at the root beside `inputs`, not under `parameters` (TEI shape).
  input: z.strictObject({
    inputs: z.union([z.string(), z.array(z.string()).min(1, 'expected at least one text')], {
      error: 'expected the text to embed (a string) or a list of texts (strings)',
    }),
    normalize: z.boolean().optional(),
    /** A key of the sentence-transformers `prompts` dictionary, e.g. `"query"`. */
    prompt_name: z.string().nullable().optional(),
    truncate: z.boolean().nullable().optional(),
    truncation_direction: z.enum(['left', 'right']).optional(),
    /**
     * Length of the returned vectors, for models that can shorten theirs (OpenAI `text-embedding-3*`,
     * OpenAI-compatible `/v1/embeddings`). Not in the HF spec: providers that cannot honour it refuse it.
     */
    dimensions: positiveIntSchema.optional(),
  }),
  // One vector (`number[]`), one per input (`number[][]`), per token for non-pooled models (`number[][][]`), or
  // per input and token for a list sent to a non-pooled model (`number[][][][]`, wire/hf §5.12: bart-base with two
  // texts answered 2 × 1 × 3 × 768).
  output: z.union([
    vectorSchema,
    z.array(vectorSchema),
    z.array(z.array(vectorSchema)),
    z.array(z.array(z.array(vectorSchema))),
  ]),
  example: {
    input: { inputs: ['Today is a sunny day', 'It rains'], normalize: true },
    output: [
      [0.0123, -0.0456, 0.0789],
      [0.0311, -0.0202, 0.0648],
    ],
  },
});
