import type { IncomingMessage } from 'node:http';
import { InfermuxError } from '@infermux/core';
import { isJsonMediaType, mediaType } from './content-type';
import { readBody } from './read-body';

export function unsupportedMediaType(found: string, expected: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_invalid_input',
    status: 415,
    message: `Unsupported Content-Type "${found}": expected ${expected}.`,
    details: { field: 'content-type', expected },
  });
}

/** Deeper bodies are refused: no request shape needs it, and recursive code further on (String(), zod) would overflow. */
export const MAX_JSON_DEPTH = 64;

function deeperThan(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current))
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** How many times `byte` occurs in `body`, counted up to `limit + 1` (`indexOf` is a native search, not a byte loop). */
function occurrences(body: Buffer, byte: number, limit: number): number {
  let count = 0;
  let index = body.indexOf(byte);
  while (index !== -1 && count <= limit) {
    count++;
    index = body.indexOf(byte, index + 1);
  }
  return count;
}

/**
 * More than `limit` `{` and `[` bytes in the body: JSON with no more than `limit` of them cannot be nested
 * deeper than that. Counting stops past the limit: a large body costs a few native searches, not a JS loop
 * over every byte (~9 µs for 11 KB).
 */
function moreOpeningsThan(body: Buffer, limit: number): boolean {
  return occurrences(body, 0x7b, limit) + occurrences(body, 0x5b, limit) > limit;
}

/** Parses bytes as a JSON object; a syntax error becomes a 400 that says where it broke. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'The request body is empty: expected a JSON object.',
      details: { field: 'body' },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `The request body is not valid JSON: ${(error as Error).message}`,
      details: { field: 'body' },
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `The request body must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}.`,
      details: { field: 'body' },
    });
  }
  // Counting brackets is cheaper than walking the parsed value, and settles it for nearly every body.
  if (moreOpeningsThan(body, MAX_JSON_DEPTH) && deeperThan(value, MAX_JSON_DEPTH)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      details: { field: 'body' },
    });
  }
  return value as Record<string, unknown>;
}

/**
 * `text/plain` and no type at all are read as JSON too: a string body sent with `fetch` and no headers is
 * `text/plain;charset=UTF-8`, `requests.post(url, data=json.dumps(…))` sends none, and HF's API parses the
 * body as JSON whatever its type (wire/hf §2.3).
 */
export function isUndeclaredJson(type: string): boolean {
  return type === '' || type === 'text/plain';
}

/**
 * A browser sends a `text/plain` (or untyped) POST to another origin without asking first (no CORS
 * preflight), so any web page a gateway's user opens could make it spend that gateway's credentials while it
 * is open (loopback, no key yet). Such a request names its page in `Origin` and cannot carry `Authorization`:
 * undeclared JSON is refused there. Scripts (`fetch` in Node, `requests`) and callers with a token are unaffected.
 */
export function refuseUnpreflightedBrowserPost(request: IncomingMessage, type: string): void {
  if (request.headers.origin === undefined || request.headers.authorization !== undefined) return;
  throw new InfermuxError({
    code: 'caller_invalid_input',
    status: 415,
    message: `A ${type || 'untyped'} body from a web page without an Authorization header is refused (browsers send it without a CORS preflight): send Content-Type: application/json.`,
    details: { field: 'content-type', expected: 'application/json' },
  });
}

/** Reads a JSON object body: declared JSON, `text/plain` or untyped (see `isUndeclaredJson`); anything else is a 415. */
export async function readJsonBody(
  request: IncomingMessage,
  limit: number,
  expected = 'application/json',
): Promise<Record<string, unknown>> {
  const type = mediaType(request.headers['content-type']);
  if (isUndeclaredJson(type)) refuseUnpreflightedBrowserPost(request, type);
  else if (!isJsonMediaType(type)) throw unsupportedMediaType(type, expected);
  return parseJsonObject(await readBody(request, limit, 'JSON body'));
}
