import type { ChatCompletionResponse } from './openai-response-schemas';
import { isNullishString, isNumber, isObject, isOptionalString, isPlainUsage } from './plain-json';

function isPlainToolCall(call: unknown): boolean {
  if (!isObject(call) || !isOptionalString(call.id) || !isOptionalString(call.type)) return false;
  const fn = call.function;
  return fn === undefined || (isObject(fn) && isOptionalString(fn.name));
}

function isPlainChoice(choice: unknown): boolean {
  if (!isObject(choice) || !isNumber(choice.index) || !isNullishString(choice.finish_reason)) return false;
  const message = choice.message;
  if (!isObject(message) || typeof message.role !== 'string' || !isNullishString(message.content)) return false;
  const toolCalls = message.tool_calls;
  if (toolCalls === undefined || toolCalls === null) return true;
  if (!Array.isArray(toolCalls)) return false;
  for (const call of toolCalls) if (!isPlainToolCall(call)) return false;
  return true;
}

/**
 * True when `json` is a `chat.completion` body that `chatCompletionResponseSchema` accepts as is:
 * every field it checks has its type and every field it would default (`id`, `created`, each
 * choice's `index` and `role`) is present, as OpenAI, vLLM and TGI send them. Such a body is
 * mapped without running zod over it (the schema parse was the adapter's largest cost per call);
 * any other body goes through the schema, which fills defaults or names the wrong field.
 * Tested to agree with the schema in plain-chat-completion.test.ts.
 */
export function isPlainChatCompletion(json: unknown): json is ChatCompletionResponse {
  if (!isObject(json) || typeof json.id !== 'string' || !isNumber(json.created)) return false;
  if (!isOptionalString(json.object) || !isOptionalString(json.model) || !isNullishString(json.system_fingerprint))
    return false;
  if (!isPlainUsage(json.usage)) return false;
  const choices = json.choices;
  if (!Array.isArray(choices)) return false;
  for (const choice of choices) if (!isPlainChoice(choice)) return false;
  return true;
}
