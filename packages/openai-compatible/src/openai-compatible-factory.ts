import { defineProviderFactory, timeoutsSchema } from '@infermux/core';
import { z } from 'zod';
import { createOpenAICompatible } from './openai-compatible-provider';

const baseURLSchema = z.url({ error: 'expected the upstream base URL including /v1, e.g. http://localhost:8000/v1' });

const settingsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  baseURL: baseURLSchema,
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

/** OpenAI's own API: the base URL the official SDKs default to (openai-node `baseURL`, openai-python `base_url`). */
export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/**
 * The `openai` preset: the same provider with OpenAI's defaults. The key comes from `apiKey`, `apiKeyEnv` or
 * `OPENAI_API_KEY`, the base URL from `baseURL`, `OPENAI_BASE_URL` or OpenAI's — the variables the official
 * SDKs read — so with `OPENAI_API_KEY` set, a gateway or CLI without a config file serves `openai:gpt-4o-mini`.
 * Without a key it is not built on defaults (every call would be refused upstream).
 */
const openaiPresetSchema = settingsSchema
  .extend({ baseURL: baseURLSchema.optional() })
  .refine((settings) => settings.apiKey !== undefined || settings.apiKeyEnv !== undefined, {
    message: 'expected an OpenAI key: set OPENAI_API_KEY, or apiKey / apiKeyEnv in the provider entry',
    path: ['apiKey'],
  });

export type OpenAIPresetConfig = z.output<typeof openaiPresetSchema>;

export const openaiProviderFactory = defineProviderFactory<OpenAIPresetConfig>({
  type: 'openai',
  settingsSchema: openaiPresetSchema,
  env: { apiKey: ['OPENAI_API_KEY'], baseURL: ['OPENAI_BASE_URL'] },
  create(settings, context) {
    return createOpenAICompatible({
      ...settings,
      name: settings.name ?? 'openai',
      baseURL: settings.baseURL ?? OPENAI_BASE_URL,
      transport: context.transport,
    });
  },
});
