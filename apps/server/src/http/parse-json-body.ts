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
  return value as Record<string, unknown>;
}

/**
 * Reads a JSON object body. A body declared as something else is a 415; no
 * Content-Type at all is tolerated (curl without -H), the JSON parse decides.
 */
export async function readJsonBody(request: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const type = mediaType(request.headers['content-type']);
  if (type !== '' && !isJsonMediaType(type)) throw unsupportedMediaType(type, 'application/json');
  return parseJsonObject(await readBody(request, limit, 'JSON body'));
}
