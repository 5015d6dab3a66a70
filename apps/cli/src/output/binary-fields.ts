/** A binary output as tasks carry it: `{ data: Uint8Array, contentType }`. */
export interface BinaryValue {
  data: Uint8Array;
  contentType: string;
}

export function isBinaryValue(value: unknown): value is BinaryValue {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as BinaryValue).data instanceof Uint8Array &&
    typeof (value as BinaryValue).contentType === 'string'
  );
}

/** Every binary value in an output, with its dotted path (`image`, `images[1]`). */
export function findBinaryValues(value: unknown, path = ''): Array<{ path: string; value: BinaryValue }> {
  if (isBinaryValue(value)) return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => findBinaryValues(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      findBinaryValues(item, path ? `${path}.${key}` : key),
    );
  }
  return [];
}

/** True when an output holds bytes anywhere (most outputs are labels, text or numbers: no copy needed). */
export function hasBinaryValues(value: unknown): boolean {
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (hasBinaryValues(item)) return true;
    return false;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) if (hasBinaryValues((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * The JSON form of a result: binary values become `{ contentType, base64 }`, or
 * `{ contentType, path }` when they were saved to a file (`--out`).
 */
export function toJsonSafe(value: unknown, saved?: ReadonlyMap<BinaryValue, string>): unknown {
  if (isBinaryValue(value)) {
    const path = saved?.get(value);
    if (path) return { contentType: value.contentType, path, bytes: value.data.byteLength };
    return {
      contentType: value.contentType,
      base64: Buffer.from(value.data.buffer, value.data.byteOffset, value.data.byteLength).toString('base64'),
    };
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map((item) => toJsonSafe(item, saved));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, toJsonSafe(item, saved)]),
    );
  }
  return value;
}
