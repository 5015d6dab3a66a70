import type { OutgoingHttpHeaders } from 'node:http';

/** Headers a handler or fault adds to a response; names are case-insensitive. */
export type FakeHeaders = Record<string, string | number | readonly string[]>;

/**
 * `writeHead` with a plain object would send both `content-type` and `Content-Type` if both were
 * given, so caller headers are lower-cased before they override the defaults.
 */
export function mergeHeaders(defaults: OutgoingHttpHeaders, extra: FakeHeaders | undefined): OutgoingHttpHeaders {
  if (extra === undefined) return defaults;
  const merged: OutgoingHttpHeaders = { ...defaults };
  for (const name in extra) merged[name.toLowerCase()] = extra[name] as OutgoingHttpHeaders[string];
  return merged;
}
