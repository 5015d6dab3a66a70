import type { TaskInput } from '@infermux/core';

type ChatInput = TaskInput<'chat-completion'>;

// Fields the chat task takes; every other field an OpenAI client sends (user, store,
// metadata, service_tier, parallel_tool_calls, …) is ignored, as the OpenAI checklist asks.
const chatFields = [
  'messages',
  'max_tokens',
  'temperature',
  'top_p',
  'frequency_penalty',
  'presence_penalty',
  'stop',
  'seed',
  'n',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'response_format',
  'tools',
  'tool_choice',
  'reasoning_effort',
] as const;

const messageFields = ['role', 'content', 'name', 'tool_calls', 'tool_call_id'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Copies the listed fields that are present and not `null` (OpenAI sends `null` for "unset"). */
export function pickFields(source: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    const value = source[field];
    if (value !== undefined && value !== null) picked[field] = value;
  }
  return picked;
}

/**
 * An assistant message echoed back from a previous response carries `refusal`,
 * `annotations`, `audio`…: keep what the chat task knows. `content: null` stays (tool calls).
 */
function chatMessage(message: unknown): unknown {
  if (!isObject(message)) return message;
  const picked = pickFields(message, messageFields);
  if (message.content === null) picked.content = null;
  if (Array.isArray(picked.tool_calls)) {
    picked.tool_calls = picked.tool_calls.map((call) =>
      isObject(call) && isObject(call.function)
        ? { id: call.id, type: call.type, function: { name: call.function.name, arguments: call.function.arguments } }
        : call,
    );
  }
  return picked;
}

/** An OpenAI chat body → the chat-completion task input (validated by core afterwards). */
export function chatInputFromOpenAI(body: Record<string, unknown>, options: { wantUsage: boolean }): ChatInput {
  const input = pickFields(body, chatFields);
  if (Array.isArray(input.messages)) input.messages = input.messages.map(chatMessage);
  // `max_completion_tokens` is the newer name; the task speaks `max_tokens`.
  if (input.max_tokens === undefined && typeof body.max_completion_tokens === 'number')
    input.max_tokens = body.max_completion_tokens;
  if (options.wantUsage) input.stream_options = { include_usage: true };
  return input as ChatInput;
}
