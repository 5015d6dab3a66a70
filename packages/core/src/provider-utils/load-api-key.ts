import { InfermuxError } from '../errors/infermux-error';
import { registerSecret } from '../errors/secret-redaction';

export interface ApiKeySource {
  /** Provider name, for the error. */
  provider: string;
  /** A key given directly (settings or config). Wins over the env variables. */
  apiKey?: string;
  /** Env variables read in order when no key is given (`HF_TOKEN`, then `HF_API_TOKEN`); named in the error. */
  envNames?: readonly string[];
  /** When false, no key at all is fine (a local vLLM, a public dedicated endpoint). Default true. */
  required?: boolean;
  /** Where env variables are read from (tests); default `process.env`, read at call time. */
  env?: Record<string, string | undefined>;
  /** What a key is and where to get one, added to the missing-key message. */
  hint?: string;
}

/**
 * The key, read when a call needs it (not at construction), so a provider can be built before the env
 * is set; registered as a secret, so no error or log can show it. Every call reads it: the env
 * variables are read in order, stopping at the first set, with no list built per call.
 */
export function loadApiKey(source: ApiKeySource): string | undefined {
  let key = source.apiKey?.trim();
  const names = source.envNames;
  if (!key && names !== undefined && names.length > 0) {
    const env = source.env ?? process.env;
    for (let index = 0; !key && index < names.length; index++) key = env[names[index] as string]?.trim();
  }
  if (key) {
    registerSecret(key);
    return key;
  }
  if (source.required === false) return undefined;
  throw missingApiKey(source);
}

/** Whether a provider has the key its calls need: for start-up checks and readiness. Never the value. */
export interface ProviderCredentials {
  /** `present`: a key is set; `missing`: calls fail until one is; `optional`: calls work without one. */
  status: 'present' | 'missing' | 'optional';
  /** The env variables read for it, in order (what an operator sets). */
  env: readonly string[];
}

/** `loadApiKey`'s answer without loading: is a key set, and is one needed. */
export function apiKeyStatus(source: ApiKeySource): ProviderCredentials {
  const env = source.envNames ?? [];
  const values = source.env ?? process.env;
  const present = Boolean(source.apiKey?.trim()) || env.some((name) => Boolean(values[name]?.trim()));
  return { status: present ? 'present' : source.required === false ? 'optional' : 'missing', env };
}

function missingApiKey(source: ApiKeySource): InfermuxError {
  const names = source.envNames ?? [];
  const [first, ...others] = names;
  const where =
    first === undefined
      ? 'Pass `apiKey`'
      : `Set the ${first}${others.length > 0 ? ` (or ${others.join(', ')})` : ''} environment variable or pass \`apiKey\``;
  return new InfermuxError({
    code: 'auth_missing_credentials',
    message: `No API key for provider "${source.provider}". ${where}${source.hint ? `: ${source.hint}` : ''}.`,
    provider: source.provider,
    details: first === undefined ? undefined : { envVariable: first, envVariables: [...names] },
  });
}
