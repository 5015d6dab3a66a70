import { defineProviderFactory } from '@infermux/core';
import { createHf } from './hf-provider';
import { HF_BASE_URL_ENV, HF_TOKEN_ENV, type HfSettingsInput, hfSettingsSchema } from './hf-settings';

/** Builds the `hf` provider from a config entry (`providers.<name>` with `type: hf`). */
export const hfProviderFactory = defineProviderFactory<HfSettingsInput>({
  type: 'hf',
  settingsSchema: hfSettingsSchema,
  env: { apiKey: HF_TOKEN_ENV, baseURL: HF_BASE_URL_ENV },
  // User access tokens start `hf_` (wire/hf §2.1).
  callerTokenPrefix: 'hf_',
  create: (settings, context) => createHf({ ...settings, transport: context.transport }),
});
