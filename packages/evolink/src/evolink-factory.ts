import { defineProviderFactory, timeoutsSchema } from '@infermux/core';
import { z } from 'zod';
import { createEvolink } from './evolink-provider';
import { EVOLINK_API_KEY_ENV, EVOLINK_BASE_URL_ENV } from './evolink-settings';

const settingsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  apiKey: z.string().min(1).optional(),
  baseURL: z.url({ error: 'expected an absolute URL without /v1, e.g. https://api.evolink.ai' }).optional(),
  textBaseURL: z.url({ error: 'expected an absolute URL without /v1, e.g. https://direct.evolink.ai' }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.optional(),
});

export type EvolinkConfig = z.output<typeof settingsSchema>;

/** `providers: { evolink: { type: evolink, baseURL?, apiKeyEnv? } }`; with no entry, the defaults and env. */
export const evolinkProviderFactory = defineProviderFactory<EvolinkConfig>({
  type: 'evolink',
  settingsSchema,
  env: { apiKey: [EVOLINK_API_KEY_ENV], baseURL: [EVOLINK_BASE_URL_ENV] },
  create(settings, context) {
    return createEvolink({ ...settings, transport: context.transport });
  },
});
