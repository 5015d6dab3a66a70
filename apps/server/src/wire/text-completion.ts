import { getTask, type StreamPart, type TaskInput } from '@infermux/core';
import { objectShape, schemaAt } from '@infermux/core/provider-utils';
import { pickFields } from './openai-chat-input';
import { openaiUsage } from './openai-chat-stream';

const parametersSchema = schemaAt(getTask('text-generation').input, ['parameters']);
const generationParameters = Object.keys((parametersSchema && objectShape(parametersSchema)) ?? {}).filter(
  (name) => name !== 'max_new_tokens',
);

/**
 * An OpenAI completions body → text-generation input. huggingface.js sends exactly this
 * to `{endpoint}/v1/completions`, with the TGI parameters spread at the root.
 */
export function textGenerationFromCompletion(body: Record<string, unknown>): TaskInput<'text-generation'> {
  const parameters = pickFields(body, generationParameters);
  if (typeof parameters.stop === 'string') parameters.stop = [parameters.stop];
  if (typeof body.max_tokens === 'number') parameters.max_new_tokens = body.max_tokens;
  return {
    inputs: body.prompt as string,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  } as TaskInput<'text-generation'>;
}

export function completionObject(
  id: string,
  model: string,
  text: string,
  finishReason: string,
  usage: Parameters<typeof openaiUsage>[0],
): Record<string, unknown> {
  return {
    id,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: null,
    choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }],
    usage: openaiUsage(usage),
  };
}

/** Stream parts → `text_completion` chunks, then `[DONE]`. */
export class CompletionChunkWriter {
  private readonly created = Math.floor(Date.now() / 1000);
  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  private chunk(text: string, finishReason: string | null): string {
    return `data: ${JSON.stringify({ id: this.id, object: 'text_completion', created: this.created, model: this.model, choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }] })}\n\n`;
  }

  frame(part: StreamPart): string {
    if (part.type === 'text-delta') return part.token?.special ? '' : this.chunk(part.text, null);
    if (part.type === 'finish') return this.chunk('', part.finishReason);
    return '';
  }

  end(): string {
    return 'data: [DONE]\n\n';
  }
}

/** Stream parts → TGI `generate_stream` events (huggingface_hub's text_generation(stream=True)). */
export class TgiChunkWriter {
  private index = 0;
  private text = '';

  frame(part: StreamPart): string {
    if (part.type === 'text-delta') {
      this.index += 1;
      if (!part.token?.special) this.text += part.text;
      const token = {
        id: part.token?.id ?? 0,
        text: part.text,
        logprob: part.token?.logprob ?? 0,
        special: part.token?.special ?? false,
      };
      return `data:${JSON.stringify({ index: this.index, token, generated_text: null, details: null, top_tokens: null })}\n\n`;
    }
    if (part.type === 'finish') {
      this.index += 1;
      const token = { id: 0, text: '', logprob: 0, special: true };
      // TGI names: `eos_token`, `length`, `stop_sequence`; an OpenAI-style upstream says `stop`.
      const finishReason = part.finishReason === 'stop' ? 'eos_token' : part.finishReason;
      const details = { finish_reason: finishReason, generated_tokens: this.index - 1, input_length: 0, seed: null };
      return `data:${JSON.stringify({ index: this.index, token, generated_text: part.generatedText ?? this.text, details, top_tokens: null })}\n\n`;
    }
    return '';
  }

  /** TGI closes the stream without `[DONE]`. */
  end(): string {
    return '';
  }
}
