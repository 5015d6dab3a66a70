import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new key: `imx_` + 32 url-safe characters (192 random bits). The prefix is what log redaction looks for. */
export function generateKeySecret(): string {
  return `imx_${randomBytes(24).toString('base64url')}`;
}

/** Keys are random and long, so a plain SHA-256 is enough (no password stretching needed). */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function keyPrefix(secret: string): string {
  return `${secret.slice(0, 8)}…`;
}
