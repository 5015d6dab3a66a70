import type { ErrorCode, InfermuxError } from '@infermux/core';

/**
 * Failures whose own message is about our sockets and hosts: the caller gets a fixed sentence (the full
 * message stays in the logs and the ledger, found by the request id).
 */
const fixedMessages: Partial<Record<ErrorCode, (provider: string) => string>> = {
  provider_network: (provider) => `The upstream ${provider} could not be reached.`,
  gateway_overloaded: () => 'The gateway is out of capacity right now; retry shortly.',
  gateway_internal: () => 'Internal gateway error.',
};

export const hasFixedMessage = (error: InfermuxError): boolean => fixedMessages[error.code] !== undefined;

const urlPattern = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi;
const addressPattern = /\[[0-9a-f:.]+\](?::\d+)?|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\blocalhost:\d+\b/gi;
const socketCodePattern =
  /\s*\(?\b(?:E(?:CONN[A-Z]+|MFILE|NFILE|NOMEM|NOBUFS|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN|NOTFOUND|ADDRINUSE)|UND_ERR_[A-Z_]+)\b\)?/g;

/** What a gateway operator sets so `provider` has a key: its env variables (never a value), or the config entry. */
export function missingCredentialsAdvice(provider: string, env: readonly string[]): string {
  const [first, ...others] = env;
  return first === undefined
    ? `set providers.${provider}.apiKeyEnv in the gateway's config and that variable in its environment`
    : `set ${first}${others.length > 0 ? ` (or ${others.join(', ')})` : ''} in the gateway's environment`;
}

/**
 * The gateway has no key for a provider (core's `loadApiKey`, or an upstream that got none): the caller is
 * told what the gateway's operator must set, not about a library option.
 */
function missingCredentialsMessage(error: InfermuxError): string {
  const names = error.details?.envVariables;
  const env = Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
  const provider = error.provider ?? 'this provider';
  return `The gateway has no credentials for provider "${provider}": its operator must ${missingCredentialsAdvice(provider, env)}.`;
}

/** The message a caller sees: no internal URL, address or socket code (the body carries the request id beside it). */
export function callerMessage(error: InfermuxError): string {
  const fixed = fixedMessages[error.code];
  if (fixed) return fixed(error.provider ?? '');
  if (error.code === 'auth_missing_credentials' && error.provider !== undefined)
    return missingCredentialsMessage(error);
  return error.message
    .replace(urlPattern, 'the upstream')
    .replace(addressPattern, 'the upstream')
    .replace(socketCodePattern, '');
}
