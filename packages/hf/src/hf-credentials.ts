import { InfermuxError, registerSecret } from '@infermux/core';

/** Env variables a token is read from, in order (`HF_API_TOKEN` is the older name). */
export const TOKEN_ENV = ['HF_TOKEN', 'HF_API_TOKEN'] as const;

/**
 * The token, read at call time (so a provider built before the env is set still works) and registered
 * as a secret, so it is redacted from every error and log.
 */
export function readToken(apiKey: string | undefined, env: Record<string, string | undefined>): string | undefined {
  let token = apiKey?.trim();
  // In order, stopping at the first set: every call reads this (and `process.env` reads are not free).
  for (let index = 0; !token && index < TOKEN_ENV.length; index++) token = env[TOKEN_ENV[index] as string]?.trim();
  if (token) registerSecret(token);
  return token || undefined;
}

export function missingToken(provider: string): InfermuxError {
  return new InfermuxError({
    code: 'auth_missing_credentials',
    message: `${provider}: no Hugging Face token. Set HF_TOKEN (or HF_API_TOKEN) to a token from https://huggingface.co/settings/tokens with the "Make calls to Inference Providers" permission, or pass apiKey.`,
    provider,
    details: { env: [...TOKEN_ENV] },
  });
}
