import { defineProviderFactory, timeoutsSchema } from '@infermux/core';
import { z } from 'zod';
import { createOpenAICompatible } from './openai-compatible-provider';

const settingsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  baseURL: z.url({ error: 'expected the upstream base URL including /v1, e.g. http://localhost:8000/v1' }),
  apiKey: z.string().min(1).optional(),
  apiKeyEnv: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.optional(),
  includeUsageInStream: z.boolean().optional(),
  embeddingEncoding: z.enum(['float', 'base64']).optional(),
  maxEmbeddingBatchSize: z.int().positive().optional(),
  tasks: z
    .array(z.enum(['chat-completion', 'text-generation', 'feature-extraction']))
    .min(1)
    .optional(),
});

export type OpenAICompatibleConfig = z.output<typeof settingsSchema>;

/**
 * Any OpenAI-compatible URL by config (vLLM, TGI, OpenAI itself):
 * `providers: { local-vllm: { type: openai-compatible, baseURL: http://localhost:8000/v1 } }`.
 */
export const openaiCompatibleProviderFactory = defineProviderFactory<OpenAICompatibleConfig>({
  type: 'openai-compatible',
  settingsSchema,
  create(settings, context) {
    return createOpenAICompatible({
      ...settings,
      name: settings.name ?? 'openai-compatible',
      transport: context.transport,
    });
  },
});
