import type { StreamPart, Usage } from '@infermux/core';

export function openaiUsage(usage: Usage | undefined): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
} {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.totalTokens ?? prompt + completion,
  };
}

/**
 * Turns core stream parts into `chat.completion.chunk` frames exactly as openai-node's
 * accumulator wants them: one id/created for all, `role` on each choice's first delta,
 * `choices` always an array, usage as a last `choices: []` chunk when asked for.
 */
export class ChatChunkWriter {
  private readonly started = new Set<number>();
  private usage: Usage | undefined;
  private id: string;
  private created = Math.floor(Date.now() / 1000);

  constructor(
    private readonly model: string,
    defaultId: string,
    private readonly includeUsage: boolean,
  ) {
    this.id = defaultId;
  }

  /** The frame text before `choices` (the same on every chunk once id and created are known). */
  private prefix: string | undefined;

  // Byte for byte what JSON.stringify of { id, object, created, model, system_fingerprint, choices[, usage] }
  // gives (wire-tested in openai-chat-stream.test.ts), without rebuilding and re-serialising the fixed fields per frame.
  private chunk(choices: unknown[]): string {
    this.prefix ??= `data: {"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${JSON.stringify(this.created)},"model":${JSON.stringify(this.model)},"system_fingerprint":null,"choices":`;
    return `${this.prefix}${JSON.stringify(choices)}${this.includeUsage ? ',"usage":null}\n\n' : '}\n\n'}`;
  }

  private delta(choice: number, delta: Record<string, unknown>): Record<string, unknown> {
    if (!this.started.has(choice)) {
      this.started.add(choice);
      return { role: 'assistant', ...delta };
    }
    return delta;
  }

  /** The frame(s) for one part; '' for parts that produce none. */
  frame(part: StreamPart): string {
    switch (part.type) {
      case 'response-metadata':
        if (part.id) this.id = part.id;
        if (part.created) this.created = part.created;
        this.prefix = undefined;
        return '';
      case 'text-delta': {
        const choice = part.choice ?? 0;
        return this.chunk([
          { index: choice, delta: this.delta(choice, { content: part.text }), logprobs: null, finish_reason: null },
        ]);
      }
      case 'tool-call-delta': {
        const choice = part.choice ?? 0;
        return this.chunk([
          {
            index: choice,
            delta: this.delta(choice, { tool_calls: [part.toolCall] }),
            logprobs: null,
            finish_reason: null,
          },
        ]);
      }
      case 'finish': {
        const choice = part.choice ?? 0;
        return this.chunk([
          { index: choice, delta: this.delta(choice, {}), logprobs: null, finish_reason: part.finishReason },
        ]);
      }
      case 'usage':
        this.usage = part.usage;
        return '';
      default:
        return '';
    }
  }

  /** The usage chunk (when asked for) and the terminator. */
  end(): string {
    let tail = '';
    if (this.includeUsage) {
      const chunk = {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        system_fingerprint: null,
        choices: [],
        usage: openaiUsage(this.usage),
      };
      tail += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return `${tail}data: [DONE]\n\n`;
  }
}
