/**
 * Secrets known to this process (tokens read from env/config). Every error
 * message, cause chain and serialised error passes through `redactSecrets`, so a
 * token that leaks into an upstream error body or a URL is still never shown.
 */
const knownSecrets = new Set<string>();
const MIN_SECRET_LENGTH = 6;
const REDACTED = '[REDACTED]';

export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= MIN_SECRET_LENGTH) knownSecrets.add(secret);
}

// Token shapes that are redacted even when nobody registered them.
const tokenPatterns = [
  /\bhf_[A-Za-z0-9]{10,}\b/g,
  /\bsk-[A-Za-z0-9_-]{10,}\b/g,
  /\bimx_[A-Za-z0-9_-]{10,}\b/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{6,}/gi,
];

export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of tokenPatterns) {
    result = result.replace(pattern, (_match, prefix) =>
      typeof prefix === 'string' && /^Bearer/i.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  }
  return result;
}

const sensitiveHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'cookie',
  'set-cookie',
]);

/** Copies headers with credentials masked; for errors and logs. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    result[name] = sensitiveHeaders.has(name.toLowerCase()) ? REDACTED : redactSecrets(text);
  }
  return result;
}

/** Deep-redacts a JSON-like value (strings only), for raw bodies attached to errors. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = sensitiveHeaders.has(key.toLowerCase()) ? REDACTED : redactValue(item, depth + 1);
  }
  return result;
}
