/** Every http(s) `url` field in an output (job results: `videos[].url`, `images[].url`). */
export function findResultUrls(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(findResultUrls);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    key === 'url' && typeof item === 'string' && /^https?:\/\//i.test(item) ? [item] : findResultUrls(item),
  );
}
