import type { Timeouts, Transport } from '@infermux/core';
import { withoutTrailingSlashes } from '@infermux/core/provider-utils';

export interface EvolinkSettings {
  /** Registry name; default `evolink`. */
  name?: string;
  /** Default: the `EVOLINK_API_KEY` env variable, read on the first call. */
  apiKey?: string;
  /** Tasks, polling and media: default `EVOLINK_BASE_URL`, else `https://api.evolink.ai`. Without `/v1`. */
  baseURL?: string;
  /**
   * Chat. Default: `https://direct.evolink.ai`, the host EvoLink recommends for text models, unless
   * `baseURL` (or `EVOLINK_BASE_URL`) was set, in which case chat follows it (a proxy or a test fake
   * then sees every call).
   */
  textBaseURL?: string;
  headers?: Record<string, string>;
  transport?: Transport;
  timeouts?: Partial<Timeouts>;
}

export const EVOLINK_API_KEY_ENV = 'EVOLINK_API_KEY';
export const EVOLINK_BASE_URL_ENV = 'EVOLINK_BASE_URL';
export const DEFAULT_BASE_URL = 'https://api.evolink.ai';
export const DEFAULT_TEXT_BASE_URL = 'https://direct.evolink.ai';

/** Resolved at call time, so env changes after import still apply to the default `evolink` instance. */
export function resolveBaseURLs(
  settings: EvolinkSettings,
  env: Record<string, string | undefined> = process.env,
): { api: string; text: string } {
  const configured = settings.baseURL ?? env[EVOLINK_BASE_URL_ENV];
  const api = withoutTrailingSlashes(configured ?? DEFAULT_BASE_URL);
  const text = withoutTrailingSlashes(settings.textBaseURL ?? configured ?? DEFAULT_TEXT_BASE_URL);
  return { api, text };
}
