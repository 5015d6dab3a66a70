import { z } from 'zod';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, positiveIntSchema } from './shared-schemas';

/** TGI `grammar`: constrain the output to JSON (a JSON Schema), a regex, or a named JSON schema. */
const grammarSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('json'), value: z.unknown() }),
    z.strictObject({
      type: z.literal('regex'),
      value: z.string({ error: 'expected the regular expression (a string)' }),
    }),
    z.strictObject({
      type: z.literal('json_schema'),
      value: z.strictObject({ name: z.string().nullable().optional(), schema: z.unknown() }),
    }),
  ],
  { error: 'expected { type: "json" | "regex" | "json_schema", value }' },
);

const tokenSchema = z.looseObject({
  id: z.number(),
  text: z.string(),
  logprob: z.number().nullable().optional(),
  special: z.boolean().optional(),
});

export const textGeneration = defineTask({
  id: 'text-generation',
  summary: 'Continue a prompt (raw completion, no chat template).',
  hfSpec: 'text-generation',
  streaming: true,
  // `stream` is not an input: the client picks it (`client.run` vs `client.stream`).
  input: z.strictObject({
    inputs: z.string({ error: 'expected the prompt (a string)' }),
    parameters: z
      .strictObject({
        adapter_id: z.string().nullable().optional(),
        best_of: positiveIntSchema.optional(),
        decoder_input_details: z.boolean().optional(),
        details: z.boolean().optional(),
        do_sample: z.boolean().optional(),
        frequency_penalty: z.number().gt(-2).optional(),
        grammar: grammarSchema.optional(),
        max_new_tokens: nonNegativeIntSchema.optional(),
        repetition_penalty: z.number().positive().optional(),
        /** Prepend the prompt to the output. Legacy servers defaulted to true, TGI to false. */
        return_full_text: z.boolean().optional(),
        seed: nonNegativeIntSchema.optional(),
        /** TGI caps this list (4 by default); the provider reports when it is too long. */
        stop: z.array(z.string(), { error: 'expected a list of stop sequences (strings)' }).optional(),
        /**
         * 0 means greedy decoding, as OpenAI-style `/v1/completions` takes it (0–2, wire/openai §3.1, §7.1); adapters whose
         * upstream refuses 0 (TGI's native route) send greedy decoding their own way.
         */
        temperature: z.number().nonnegative().optional(),
        top_k: positiveIntSchema.optional(),
        top_n_tokens: nonNegativeIntSchema.optional(),
        top_p: z.number().positive().max(1).optional(),
        truncate: nonNegativeIntSchema.optional(),
        typical_p: z.number().positive().max(1).optional(),
        watermark: z.boolean().optional(),
      })
      .optional(),
  }),
  output: z.looseObject({
    generated_text: z.string(),
    details: z
      .looseObject({
        finish_reason: z.string(),
        generated_tokens: z.number(),
        seed: z.number().nullable().optional(),
        prefill: z.array(tokenSchema).optional(),
        tokens: z.array(tokenSchema).optional(),
        top_tokens: z.array(z.array(tokenSchema)).optional(),
        best_of_sequences: z
          .array(z.looseObject({ generated_text: z.string() }))
          .nullable()
          .optional(),
      })
      .nullable()
      .optional(),
  }),
  example: {
    input: {
      inputs: 'The answer to the universe is',
      parameters: { max_new_tokens: 20, temperature: 0.7, return_full_text: false, stop: ['\n'] },
    },
    output: { generated_text: ' 42, and the question is what is six times nine' },
  },
});
