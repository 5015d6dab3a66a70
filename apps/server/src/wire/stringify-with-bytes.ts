/** JSON for results that may hold bytes (images, audio): bytes become `{ base64 }`-style strings. */
export function stringifyWithBytes(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Uint8Array)
      return Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('base64');
    if (
      item &&
      typeof item === 'object' &&
      (item as { type?: unknown; data?: unknown }).type === 'Buffer' &&
      Array.isArray((item as { data?: unknown }).data)
    ) {
      return Buffer.from((item as { data: number[] }).data).toString('base64');
    }
    return item;
  });
}
