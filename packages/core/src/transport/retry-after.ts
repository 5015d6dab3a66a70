/**
 * Reads how long an upstream asked us to wait: `retry-after-ms` (OpenAI), then
 * `Retry-After` as seconds or an HTTP date. Returns undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: Record<string, string | undefined>, now = Date.now()): number | undefined {
  const milliseconds = headers['retry-after-ms'];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headers['retry-after']?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
