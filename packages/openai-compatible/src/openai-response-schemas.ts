import { z } from 'zod';

// Minimal and tolerant: only what the mappings read is required; extra fields pass through.

export const openAIUsageSchema = z.looseObject({
  prompt_tokens: z.number().nullish(),
  completion_tokens: z.number().nullish(),
  total_tokens: z.number().nullish(),
});

const toolCallSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string().optional(), arguments: z.unknown().optional() }).optional(),
});

export const chatCompletionResponseSchema = z.looseObject({
  id: z.string().default(''),
  object: z.string().optional(),
  created: z.number().default(() => Math.floor(Date.now() / 1000)),
  model: z.string().optional(),
  choices: z.array(
    z.looseObject({
      index: z.number().default(0),
      message: z.looseObject({
        role: z.string().default('assistant'),
        content: z.string().nullish(),
        tool_calls: z.array(toolCallSchema).nullish(),
      }),
      finish_reason: z.string().nullish(),
      logprobs: z.unknown().optional(),
    }),
  ),
  usage: openAIUsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
});

/** What every streamed chunk may say about its answer (read once per stream, see stream-metadata.ts). */
const chunkMetadataShape = {
  id: z.string().optional(),
  model: z.string().optional(),
  created: z.number().optional(),
};

export const chatCompletionChunkSchema = z.looseObject({
  ...chunkMetadataShape,
  choices: z
    .array(
      z.looseObject({
        index: z.number().default(0),
        delta: z
          .looseObject({
            role: z.string().nullish(),
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.looseObject({
                  index: z.number().default(0),
                  id: z.string().nullish(),
                  type: z.string().nullish(),
                  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
});

export const completionResponseSchema = z.looseObject({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(z.looseObject({ index: z.number().default(0), text: z.string(), finish_reason: z.string().nullish() }))
    .min(1),
  usage: openAIUsageSchema.nullish(),
});

export const completionChunkSchema = z.looseObject({
  ...chunkMetadataShape,
  choices: z
    .array(
      z.looseObject({ index: z.number().default(0), text: z.string().nullish(), finish_reason: z.string().nullish() }),
    )
    .nullish(),
  usage: openAIUsageSchema.nullish(),
});

export const embeddingsResponseSchema = z.looseObject({
  model: z.string().optional(),
  data: z.array(
    z.looseObject({
      index: z.number().optional(),
      /** A number array (`float`) or base64 of little-endian float32 (`base64`). */
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  usage: openAIUsageSchema.nullish(),
});

export const modelListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string(), created: z.number().nullish(), owned_by: z.string().nullish() })),
});

export type OpenAIUsage = z.output<typeof openAIUsageSchema>;
export type ChatCompletionResponse = z.output<typeof chatCompletionResponseSchema>;
export type ChatCompletionChunk = z.output<typeof chatCompletionChunkSchema>;
