import type { StreamPart, ToolCallDelta } from '../provider/provider';
import type { TaskId } from '../tasks/task-registry';

type Collector = (parts: readonly StreamPart[], context: { model: string }) => unknown;

interface ChoiceState {
  role: string;
  content: string;
  finishReason: string | null;
  toolCalls: Map<number, { id?: string; type: 'function'; function: { name: string; arguments: string } }>;
}

/** Rebuilds the chat.completion object from chunks, as OpenAI clients do. */
const collectChat: Collector = (parts, context) => {
  const choices = new Map<number, ChoiceState>();
  const choice = (index: number) => {
    let state = choices.get(index);
    if (!state) {
      state = { role: 'assistant', content: '', finishReason: null, toolCalls: new Map() };
      choices.set(index, state);
    }
    return state;
  };
  let id = '';
  let model = context.model;
  let created = Math.floor(Date.now() / 1000);
  let usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined;
  for (const part of parts) {
    if (part.type === 'response-metadata') {
      id = part.id ?? id;
      model = part.model ?? model;
      created = part.created ?? created;
    } else if (part.type === 'text-delta') {
      const state = choice(part.choice ?? 0);
      state.content += part.text;
      if (part.role) state.role = part.role;
    } else if (part.type === 'tool-call-delta') {
      mergeToolCall(choice(part.choice ?? 0), part.toolCall);
    } else if (part.type === 'finish') {
      choice(part.choice ?? 0).finishReason = part.finishReason;
    } else if (part.type === 'usage') {
      const input = part.usage.inputTokens ?? 0;
      const output = part.usage.outputTokens ?? 0;
      usage = {
        prompt_tokens: input,
        completion_tokens: output,
        total_tokens: part.usage.totalTokens ?? input + output,
      };
    }
  }
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [...choices.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, state]) => ({
        index,
        message: {
          role: state.role,
          content: state.content,
          ...(state.toolCalls.size > 0 ? { tool_calls: [...state.toolCalls.values()] } : {}),
        },
        finish_reason: state.finishReason,
        logprobs: null,
      })),
    ...(usage ? { usage } : {}),
  };
};

function mergeToolCall(state: ChoiceState, delta: ToolCallDelta) {
  const existing = state.toolCalls.get(delta.index) ?? {
    type: 'function' as const,
    function: { name: '', arguments: '' },
  };
  if (delta.id) existing.id = delta.id;
  if (delta.function?.name) existing.function.name += delta.function.name;
  if (delta.function?.arguments) existing.function.arguments += delta.function.arguments;
  state.toolCalls.set(delta.index, existing);
}

/** TGI's final event carries the whole text; otherwise the deltas are joined. */
const collectTextGeneration: Collector = (parts) => {
  let text = '';
  let finish: Extract<StreamPart, { type: 'finish' }> | undefined;
  let generatedTokens = 0;
  for (const part of parts) {
    if (part.type === 'text-delta') {
      if (!part.token?.special) text += part.text;
      generatedTokens += 1;
    } else if (part.type === 'finish') finish = part;
  }
  return {
    generated_text: finish?.generatedText ?? text,
    ...(finish ? { details: { finish_reason: finish.finishReason, generated_tokens: generatedTokens } } : {}),
  };
};

const collectors = {
  'chat-completion': collectChat,
  'text-generation': collectTextGeneration,
} satisfies Partial<Record<TaskId, Collector>>;

/** Turns the parts of a finished stream into the task's (non-streamed) output. */
export function collectStream(task: TaskId, parts: readonly StreamPart[], context: { model: string }): unknown {
  const collector = (collectors as Partial<Record<TaskId, Collector>>)[task];
  if (!collector) throw new Error(`Task "${task}" has no stream collector`);
  return collector(parts, context);
}
