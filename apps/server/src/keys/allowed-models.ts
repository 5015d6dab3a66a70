import { type ModelRef, parseModelRef } from '@infermux/core';

function parsed(text: string): ModelRef | undefined {
  try {
    return parseModelRef(text);
  } catch {
    return undefined;
  }
}

/**
 * Whether a key's `allowedModels` entry admits a requested model. The forms an entry may take:
 * - `org/name`: that model with no provider prefix (the configured provider(s) pick it), at any revision;
 * - `provider:org/name`: that model on that provider only, at any revision;
 * - `org/name@rev` / `provider:org/name@rev`: that revision only;
 * - anything without a `/` (a route name, a bare id such as `gpt2`): that exact string only.
 * A provider prefix or a `:variant` (which picks another upstream and price) is never added or dropped.
 */
export function allowedModelAdmits(entry: string, requested: string): boolean {
  if (entry === requested) return true;
  const allowed = parsed(entry);
  const asked = parsed(requested);
  if (!allowed || !asked || !allowed.id.includes('/') || allowed.revision !== undefined) return false;
  return allowed.provider === asked.provider && allowed.id === asked.id && allowed.variant === asked.variant;
}
