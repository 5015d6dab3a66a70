import { createHash } from 'node:crypto';

/**
 * A stable key for (task, model, input): objects with sorted keys, binary data by content
 * hash. Two requests that differ only in key order hit the same entry.
 */
export async function cacheKey(parts: { task: string; model: string; input: unknown }): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${parts.task}\n${parts.model}\n`);
  await writeCanonical(parts.input, hash);
  return hash.digest('hex');
}

async function writeCanonical(value: unknown, hash: ReturnType<typeof createHash>): Promise<void> {
  if (value === undefined) return void hash.update('u');
  if (value === null || typeof value !== 'object') return void hash.update(JSON.stringify(value) ?? 'u');
  if (value instanceof Uint8Array) return void hash.update(`b${value.byteLength}:`).update(value);
  if (value instanceof Blob) {
    const bytes = new Uint8Array(await value.arrayBuffer());
    return void hash.update(`blob${value.type}:${bytes.byteLength}:`).update(bytes);
  }
  if (Array.isArray(value)) {
    hash.update('[');
    for (const item of value) {
      await writeCanonical(item, hash);
      hash.update(',');
    }
    return void hash.update(']');
  }
  hash.update('{');
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    hash.update(`${JSON.stringify(key)}:`);
    await writeCanonical(item, hash);
    hash.update(',');
  }
  hash.update('}');
}
