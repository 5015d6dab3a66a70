import { InfermuxError, registerSecret } from '@infermux/core';

export interface ApiKeySource {
  /** A key given directly (settings or config). Wins over the env variable. */
  apiKey?: string;
  /** Env variable to read the key from, e.g. `EVOLINK_API_KEY`. */
  envName?: string;
  /** Provider name, for the error message. */
  provider: string;
  /** When false, no key at all is fine (a local vLLM); a named env variable that is unset still is not. */
  required?: boolean;
  env?: Record<string, string | undefined>;
}

/**
 * Reads the key when a call needs it (not at construction), so a provider can be built before the
 * env is set, and registers it for redaction so no error or log can show it.
 */
export function loadApiKey(source: ApiKeySource): string | undefined {
  const env = source.env ?? process.env;
  const key = source.apiKey ?? (source.envName ? env[source.envName] : undefined);
  if (key) {
    registerSecret(key);
    return key;
  }
  if (source.required === false && !source.envName) return undefined;
  const where = source.envName
    ? `Set the ${source.envName} environment variable or pass \`apiKey\``
    : 'Pass `apiKey` (or `apiKeyEnv`)';
  throw new InfermuxError({
    code: 'auth_missing_credentials',
    message: `No API key for provider "${source.provider}". ${where}.`,
    provider: source.provider,
    details: source.envName ? { envVariable: source.envName } : undefined,
  });
}
