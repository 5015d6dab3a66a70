import { FakeHfError } from './fake-hf-error.js';
import type { FakeHfModel } from './fake-hf-models.js';

/** What every fake generation says, one token per item; EOS closes it when there is room. */
const WORDS = [' The', ' answer', ' is', ' 42', '.'];
const EOS = { id: 2, text: '</s>' };
/** The fake models' context window, for TGI's validation error. */
const CONTEXT_TOKENS = 4096;

export interface GeneratedTokens {
  tokens: Array<{ id: number; text: string; logprob: number; special: boolean }>;
  text: string;
  finishReason: 'length' | 'eos_token';
  inputTokens: number;
}

function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Deterministic tokens for a prompt, capped at `maxNew`. */
export function generate(prompt: string, maxNew: number): GeneratedTokens {
  const inputTokens = countTokens(prompt);
  const words = WORDS.slice(0, maxNew);
  const tokens = words.map((text, index) => ({ id: 400 + index, text, logprob: -0.1 * (index + 1), special: false }));
  const finishReason = maxNew > WORDS.length ? 'eos_token' : 'length';
  if (finishReason === 'eos_token') tokens.push({ ...EOS, logprob: -0.01, special: true });
  return { tokens, text: words.join(''), finishReason, inputTokens };
}

function tgiValidate(prompt: unknown, maxNew: number): string {
  if (typeof prompt !== 'string')
    throw new FakeHfError(422, {
      error: 'Input validation error: `inputs` must be a string',
      error_type: 'validation',
    });
  const inputTokens = countTokens(prompt);
  if (inputTokens + maxNew > CONTEXT_TOKENS) {
    throw new FakeHfError(422, {
      error: `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${CONTEXT_TOKENS}. Given: ${inputTokens} \`inputs\` tokens and ${maxNew} \`max_new_tokens\``,
      error_type: 'validation',
    });
  }
  return prompt;
}

/** TGI's native body `{inputs, parameters, stream}` (wire/hf §5.9a, §7.1). */
export function tgiGeneration(body: Record<string, unknown>) {
  const parameters = (body.parameters ?? {}) as Record<string, unknown>;
  const maxNew = typeof parameters.max_new_tokens === 'number' ? parameters.max_new_tokens : 20;
  const prompt = tgiValidate(body.inputs, maxNew);
  const generated = generate(prompt, maxNew);
  const fullText = parameters.return_full_text === true ? prompt + generated.text : generated.text;
  const details = { finish_reason: generated.finishReason, generated_tokens: generated.tokens.length, seed: null };
  return {
    stream: body.stream === true,
    /** `[{generated_text}]`: the api-inference / TGI `/` route shape. */
    json: [
      {
        generated_text: fullText,
        ...(parameters.details === true ? { details: { ...details, prefill: [], tokens: generated.tokens } } : {}),
      },
    ],
    /** One event per token, the last with the whole text and stream details (no `[DONE]`). */
    events(model: FakeHfModel): string[] {
      const events: string[] = [];
      generated.tokens.forEach((token, index) => {
        if (model.streamErrorAfterTokens !== undefined && index === model.streamErrorAfterTokens) {
          events.push(
            JSON.stringify({
              error: 'Request failed during generation: Server error: CUDA out of memory',
              error_type: 'generation',
            }),
          );
        }
        const last = index === generated.tokens.length - 1;
        events.push(
          JSON.stringify({
            index: index + 1,
            token,
            generated_text: last ? fullText : null,
            details: last ? { ...details, input_length: generated.inputTokens } : null,
            top_tokens: null,
          }),
        );
      });
      const cut = model.streamErrorAfterTokens;
      return cut === undefined ? events : events.slice(0, cut + 1);
    },
  };
}

let sequence = 0;
const nextId = (prefix: string) => `${prefix}-fake${(++sequence).toString(16).padStart(6, '0')}`;
const created = () => Math.floor(Date.now() / 1000);

/** OpenAI completions on `/v1/completions` (wire/hf §5.9b). */
export function completion(body: Record<string, unknown>, modelId: string) {
  if (typeof body.prompt !== 'string')
    throw new FakeHfError(422, {
      error: 'Failed to deserialize the JSON body into the target type: prompt: invalid type',
      error_type: 'validation',
    });
  const maxNew = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
  const generated = generate(body.prompt, maxNew);
  const text = body.echo === true ? body.prompt + generated.text : generated.text;
  const finishReason = generated.finishReason === 'eos_token' ? 'stop' : 'length';
  const usage = {
    prompt_tokens: generated.inputTokens,
    completion_tokens: generated.tokens.length,
    total_tokens: generated.inputTokens + generated.tokens.length,
  };
  const id = nextId('cmpl');
  const base = { id, object: 'text_completion', created: created(), model: modelId };
  return {
    stream: body.stream === true,
    json: { ...base, choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }], usage },
    chunks(): object[] {
      const visible = generated.tokens.filter((token) => !token.special);
      const chunks: object[] = visible.map((token) => ({
        ...base,
        choices: [{ index: 0, text: token.text, finish_reason: null, logprobs: null }],
      }));
      chunks.push({ ...base, choices: [{ index: 0, text: '', finish_reason: finishReason, logprobs: null }] });
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      if (includeUsage) chunks.push({ ...base, choices: [], usage });
      return chunks;
    },
  };
}

/** OpenAI chat completions (wire/hf §5.11, §7.2): the reply echoes the last user message, word by word. */
export function chatCompletion(body: Record<string, unknown>, modelId: string) {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new FakeHfError(422, {
      error: 'Failed to deserialize the JSON body into the target type: missing field `messages`',
      error_type: 'validation',
    });
  }
  const lastUser = [...messages].reverse().find((message) => (message as { role?: unknown }).role === 'user') as
    | { content?: unknown }
    | undefined;
  const said = typeof lastUser?.content === 'string' ? lastUser.content : JSON.stringify(lastUser?.content ?? '');
  const words = `You said: ${said}`.split(/(?=\s)/);
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : words.length;
  const reply = words.slice(0, maxTokens);
  const finishReason = reply.length < words.length ? 'length' : 'stop';
  const promptTokens = messages.reduce(
    (total, message) => total + countTokens(JSON.stringify((message as { content?: unknown }).content ?? '')),
    0,
  );
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: reply.length,
    total_tokens: promptTokens + reply.length,
  };
  const id = nextId('chatcmpl');
  const base = { id, created: created(), model: modelId, system_fingerprint: '3.0.0-sha-fake' };
  return {
    stream: body.stream === true,
    json: {
      ...base,
      object: 'chat.completion',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.join('') },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      usage,
    },
    chunks(): object[] {
      const chunk = (delta: object, finish: string | null) => ({
        ...base,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        usage: null,
      });
      const chunks: object[] = reply.map((word, index) =>
        chunk(index === 0 ? { role: 'assistant', content: word } : { content: word }, null),
      );
      chunks.push(chunk({}, finishReason));
      const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      if (includeUsage) chunks.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
      return chunks;
    },
  };
}
