import type { ChatCompletionChunk } from './openai-response-schemas';
import { isNullishString, isNumber, isObject, isOptionalString, isPlainUsage } from './plain-json';

function isPlainChoice(choice: unknown): boolean {
  if (!isObject(choice) || !isNumber(choice.index) || !isNullishString(choice.finish_reason)) return false;
  const delta = choice.delta;
  if (delta === undefined || delta === null) return true;
  // Tool-call deltas (and anything unusual) take the full schema.
  return (
    isObject(delta) &&
    (delta.tool_calls === undefined || delta.tool_calls === null) &&
    isNullishString(delta.role) &&
    isNullishString(delta.content)
  );
}

/**
 * True when `json` is the everyday chunk (text deltas, a finish reason, usage) in a shape that
 * `chatCompletionChunkSchema` accepts as is: every field it checks has its type and every field
 * it would default is present. Such a chunk is used without running zod over it (a stream has
 * dozens of chunks, and the schema parse was the larger part of their cost); any other chunk
 * goes through the schema. Tested to agree with the schema in plain-chat-chunk.test.ts.
 */
export function isPlainChatChunk(json: unknown): json is ChatCompletionChunk {
  if (!isObject(json) || !isOptionalString(json.id) || !isOptionalString(json.model)) return false;
  if (json.created !== undefined && !isNumber(json.created)) return false;
  if (!isPlainUsage(json.usage)) return false;
  const choices = json.choices;
  if (choices === undefined || choices === null) return true;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) if (!isPlainChoice(choice)) return false;
  return true;
}
