import { z } from 'zod';
import { binaryInputSchema } from '../binary/binary-input';

/** `{label, score}` items, as classification tasks return them. */
export const labelScoreSchema = z.looseObject({ label: z.string(), score: z.number() });
export const labelScoreListSchema = z.array(labelScoreSchema);

export const functionToApplySchema = z.enum(['sigmoid', 'softmax', 'none']);

function wholeNumberExpected(issue: { code?: string }): string | undefined {
  return issue.code === 'invalid_type' ? 'expected a whole number' : undefined;
}

/** An integer count (`top_k`, `num_beams`, …): a whole number ≥ 1. */
export const positiveIntSchema = z.int({ error: wholeNumberExpected }).positive('expected a whole number ≥ 1');
/** A whole number ≥ 0 (`stride`, `doc_stride`, seeds, …). */
export const nonNegativeIntSchema = z.int({ error: wholeNumberExpected }).nonnegative('expected a whole number ≥ 0');

/** A non-empty list of strings, e.g. `candidate_labels`. */
export const labelListSchema = z
  .array(z.string({ error: 'expected a label (a string)' }), { error: 'expected a list of labels (strings)' })
  .min(1, 'expected at least one label');

/** Truncation strategies of the text2text pipelines (summarization, translation). */
export const text2TextTruncationSchema = z.enum(['do_not_truncate', 'longest_first', 'only_first', 'only_second']);

/** Free-form `generate()` keyword arguments (summarization, translation). */
export const generateKwargsSchema = z.record(z.string(), z.unknown(), {
  error: 'expected an object of generate() keyword arguments',
});

/** `GenerationParameters` from the HF common definitions (image-to-text, ASR, text-to-speech). */
export const generationParametersSchema = z.strictObject(
  {
    temperature: z.number().nonnegative().optional(),
    top_k: positiveIntSchema.optional(),
    top_p: z.number().min(0).max(1).optional(),
    typical_p: z.number().min(0).max(1).optional(),
    epsilon_cutoff: z.number().min(0).max(1).optional(),
    eta_cutoff: z.number().min(0).max(1).optional(),
    max_length: positiveIntSchema.optional(),
    max_new_tokens: positiveIntSchema.optional(),
    min_length: nonNegativeIntSchema.optional(),
    min_new_tokens: nonNegativeIntSchema.optional(),
    do_sample: z.boolean().optional(),
    early_stopping: z.union([z.boolean(), z.literal('never')], { error: 'expected true, false or "never"' }).optional(),
    num_beams: positiveIntSchema.optional(),
    num_beam_groups: positiveIntSchema.optional(),
    penalty_alpha: z.number().optional(),
    use_cache: z.boolean().optional(),
  },
  { error: objectExpected('generation parameters') },
);

/** `{answer, score, start, end}`: an extractive answer (question answering). */
export const extractiveAnswerSchema = z.looseObject({
  answer: z.string(),
  score: z.number(),
  start: z.number(),
  end: z.number(),
});

/**
 * Error option for strict objects: a clear message when the value is not an object at all,
 * while keeping zod's own messages (unknown keys, missing fields) for everything else.
 */
export function objectExpected(what: string): (issue: { code?: string }) => string | undefined {
  return (issue) => (issue.code === 'invalid_type' ? `expected ${what} (an object)` : undefined);
}

/** A reference the provider fetches itself: an `http(s)://` URL, or a `data:` URL where the provider accepts one. */
export const remoteUrlSchema = z.url({
  protocol: /^(https?|data)$/,
  error: 'expected an http(s):// or data: URL',
});

/**
 * The input of the classification tasks over binary data (audio, image): the data, `function_to_apply`, `top_k`.
 * A new schema per task, so each keeps its own named component in the gateway's OpenAPI document.
 */
export function binaryClassificationInputSchema() {
  return z.strictObject({
    inputs: binaryInputSchema,
    parameters: z
      .strictObject({
        function_to_apply: functionToApplySchema.optional(),
        top_k: positiveIntSchema.optional(),
      })
      .optional(),
  });
}

/** `{ image, question }`: what visual and document question answering ask about. */
export const imageQuestionSchema = z.strictObject(
  {
    image: binaryInputSchema,
    question: z.string({ error: 'expected the question (a string)' }),
  },
  { error: objectExpected('{ image, question }') },
);
