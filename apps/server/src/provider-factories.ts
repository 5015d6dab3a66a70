import type { ProviderFactory } from '@infermux/core';
import { evolinkProviderFactory } from '@infermux/evolink';
import { hfProviderFactory } from '@infermux/hf';
import { openaiCompatibleProviderFactory, openaiProviderFactory } from '@infermux/openai-compatible';

/**
 * Every provider the gateway can build from configuration, looked up by `type`.
 * Adding a provider to the gateway is one line here, never a branch elsewhere.
 */
export const defaultProviderFactories: readonly ProviderFactory[] = [
  hfProviderFactory,
  evolinkProviderFactory,
  openaiCompatibleProviderFactory,
  openaiProviderFactory,
];
