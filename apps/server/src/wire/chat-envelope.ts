import { parseWith } from '@infermux/core';
import type { z } from 'zod';
import { openaiChatEnvelope, routerChatEnvelope } from './request-schemas';

export type ChatEnvelope = z.output<typeof routerChatEnvelope>;

const nonBlank = /\S/;

function isOptionalBoolean(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'boolean';
}

/**
 * True when the schema would pass the envelope's fields as they are: a model name, `stream` and
 * `stream_options.include_usage` booleans or unset, no `max_completion_tokens` (left to the schema).
 */
function passesAsIs(body: Record<string, unknown>, modelOptional: boolean): boolean {
  const model = body.model;
  if (typeof model === 'string' ? !nonBlank.test(model) : !(modelOptional && model === undefined)) return false;
  const options = body.stream_options;
  return (
    isOptionalBoolean(body.stream) &&
    (options === undefined ||
      options === null ||
      (typeof options === 'object' &&
        !Array.isArray(options) &&
        isOptionalBoolean((options as Record<string, unknown>).include_usage))) &&
    (body.max_completion_tokens === undefined || body.max_completion_tokens === null)
  );
}

/**
 * The chat envelope (`openaiChatEnvelope`, or `routerChatEnvelope` when the path names the model). A common
 * body is read as it is, without the schema's parse (~0.1 µs and a copy per request); anything else goes
 * through the schema, which passes or refuses it with its messages.
 */
export function chatEnvelopeOf(body: Record<string, unknown>, pathModel?: string): ChatEnvelope {
  const modelOptional = pathModel !== undefined;
  if (passesAsIs(body, modelOptional)) return body as ChatEnvelope;
  return parseWith(modelOptional ? routerChatEnvelope : openaiChatEnvelope, body, 'request body');
}
