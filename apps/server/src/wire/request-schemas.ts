import { z } from 'zod';
import { toTimestamp } from '../gateway-store';

/**
 * The request fields a route reads itself, as the zod schemas it validates them with. /openapi.json documents
 * each body as one of these composed with the task input schema core validates the rest with
 * (`routes/api-schemas.ts`): every field is checked once, by the schema that documents it.
 */

const MODEL_MESSAGE = 'expected the model or route name (a non-empty string)';
export const modelField = z
  .string({ error: MODEL_MESSAGE })
  .regex(/\S/, MODEL_MESSAGE)
  .describe('A model reference (`provider:model`, `org/name@revision`) or a route name.');

/** OpenAI sends `null` for "unset": every optional field takes it. */
const positiveInt = z.int({ error: 'expected a whole number' }).positive('expected a whole number ≥ 1');

/** What `/v1/chat/completions` reads beside the chat task's own fields (which core validates). */
export const openaiChatEnvelope = z.object({
  model: modelField,
  stream: z.boolean({ error: 'expected true or false' }).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean({ error: 'expected true or false' }).nullish() }).nullish(),
  max_completion_tokens: positiveInt.nullish(),
});
/** The HF router's `/models/{model}/v1/chat/completions`: the path names the model. */
export const routerChatEnvelope = openaiChatEnvelope.extend({ model: modelField.optional() });

/** `/v1/completions`: OpenAI's fields, mapped onto text-generation `parameters` (named as the caller sent them). */
export const openaiCompletionRequest = z.looseObject({
  model: modelField,
  prompt: z.string({ error: 'expected the prompt (a string)' }),
  max_tokens: positiveInt.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' }).nullish(),
  seed: z.int().nullish(),
  stream: z.boolean({ error: 'expected true or false' }).nullish(),
});
export const routerCompletionRequest = openaiCompletionRequest.extend({ model: modelField.optional() });

export const openaiEmbeddingsRequest = z.looseObject({
  model: modelField,
  input: z.union([z.string(), z.array(z.string()).min(1)], {
    error: 'expected a string or a non-empty list of strings',
  }),
  encoding_format: z.enum(['float', 'base64'], { error: 'expected "float" or "base64"' }).nullish(),
  dimensions: positiveInt.nullish().describe('The length of the returned vectors, where the model can shorten them.'),
});

/** What `/v1/images/generations` reads beside the image-generation task's fields. */
export const openaiImagesEnvelope = z.object({
  model: modelField,
  response_format: z.enum(['url', 'b64_json'], { error: 'expected "url" or "b64_json"' }).nullish(),
});

/** EvoLink's `/evolink/v1/{images|videos}/generations`: the model; the rest is the task's (wire/evolink §3.1, §4.1). */
export const evolinkTaskEnvelope = z.object({ model: modelField });

/** The native envelope `{model, input, stream?}`; `input` is the task's, validated by core with its schema. */
export const nativeTaskEnvelope = z.object({
  model: modelField,
  input: z.custom<unknown>((value) => value !== undefined, 'expected the task input (see GET /openapi.json)'),
  stream: z.boolean({ error: 'expected true or false' }).nullish(),
});

/** `GET /v1/usage` query parameters. */
export const usageGrouping = z
  .enum(['key', 'model', 'day'], { error: 'expected "key", "model" or "day"' })
  .default('key')
  .describe('How rows are grouped.');
export const isoDate = z
  .string()
  .refine((text) => toTimestamp(text) !== undefined, 'expected an ISO date such as 2026-11-01')
  .describe('Only requests from this date on (an ISO date such as 2026-11-01).');
export const usageQuery = z.object({ by: usageGrouping, since: isoDate.optional() });
