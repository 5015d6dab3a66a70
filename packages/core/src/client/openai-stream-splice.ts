import type { StreamPart } from '../provider/provider';
import type { StreamRecovery } from '../result/result-envelope';
import type { Usage } from '../result/usage';
import { createSseDecoder } from '../transport/sse';

const encoder = new TextEncoder();

/** The original stream's identity, which a spliced continuation keeps. */
interface ChunkIdentity {
  id?: string;
  model?: string;
  created?: number;
}

interface ChatChunk extends ChunkIdentity {
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; tool_calls?: unknown };
    finish_reason?: string | null;
  }>;
}

/** Where the last whole SSE event in `bytes` ends (after its blank line), or 0 when none does. */
function wholeEventsEnd(bytes: Uint8Array): number {
  for (let index = bytes.length - 1; index > 0; index--) {
    if (bytes[index] !== 10) continue;
    if (bytes[index - 1] === 10 || (bytes[index - 1] === 13 && bytes[index - 2] === 10)) return index + 1;
  }
  return 0;
}

/**
 * An OpenAI chat stream relayed as the upstream's bytes, read as it passes so it can be spliced: the
 * text delivered, whether it finished, its id/model/created. Bytes are passed on whole events only
 * (an unfinished one is held back), so a continuation's frames can always follow what was sent.
 */
export class OpenAiStreamSplice {
  text = '';
  finished = false;
  /** A tool call or a second choice was sent: that cannot be continued. */
  unspliceable = false;
  readonly identity: ChunkIdentity = {};
  #held: Uint8Array = new Uint8Array(0);
  readonly #decoder = createSseDecoder();

  /** The whole events now complete (undefined when none is), read on their way to the caller. */
  pass(bytes: Uint8Array): Uint8Array | undefined {
    const joined = this.#held.length === 0 ? bytes : concat(this.#held, bytes);
    const end = wholeEventsEnd(joined);
    this.#held = joined.subarray(end);
    if (end === 0) return undefined;
    const whole = joined.subarray(0, end);
    for (const event of this.#decoder.feed(whole)) this.#read(event.data);
    return whole;
  }

  /** What was held at the end of a stream that ended cleanly. */
  flush(): Uint8Array | undefined {
    const held = this.#held;
    this.#held = new Uint8Array(0);
    return held.length > 0 ? held : undefined;
  }

  #read(data: string): void {
    if (data === '[DONE]') return;
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      return; // not ours to judge: the caller's client sees the upstream's bytes as they were
    }
    this.identity.id ??= chunk.id;
    this.identity.model ??= chunk.model;
    this.identity.created ??= chunk.created;
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0 || choice.delta?.tool_calls !== undefined) this.unspliceable = true;
      if (typeof choice.delta?.content === 'string') this.text += choice.delta.content;
      if (choice.finish_reason) this.finished = true;
    }
  }

  /**
   * A continuation's part as a frame of the original stream (its id, model and created); the finish
   * carries `infermux_recovery`, the usage the sum of both attempts. Undefined for parts with no frame.
   */
  frame(part: StreamPart, recovery: StreamRecovery, usage: Usage): Uint8Array | undefined {
    const base = { ...this.identity, object: 'chat.completion.chunk' };
    if (part.type === 'text-delta')
      return sse({ ...base, choices: [{ index: 0, delta: { content: part.text }, finish_reason: null }] });
    if (part.type === 'finish')
      return sse({
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: part.finishReason }],
        infermux_recovery: recovery,
      });
    if (part.type === 'usage') {
      const prompt = usage.inputTokens ?? 0;
      const completion = usage.outputTokens ?? 0;
      return sse({
        ...base,
        choices: [],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      });
    }
    return undefined;
  }
}

export const doneFrame = encoder.encode('data: [DONE]\n\n');

function sse(value: unknown): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify(value)}\n\n`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
