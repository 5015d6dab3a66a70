/** Test only: fake upstream routes for `createTestProvider`, on a testkit FakeServer. */
import type { FakeServer, RecordedRequest } from '@infermux/testkit';

export interface TestUpstreamOptions {
  /** Label returned by text-classification, to tell upstreams apart in results. */
  label?: string;
  /** Answers classification requests after this delay (ms). */
  delayMs?: number | (() => number);
  /** Chat: the text deltas to stream. */
  chunks?: string[];
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Chat SSE: end with `data: [DONE]` (default true); false ends cleanly right after the usage chunk. */
  done?: boolean;
  /** Chat: the completion id (default `chatcmpl-1`). */
  id?: string;
  /**
   * Chat whose last message is from the assistant: `continue` streams the rest of `chunks` after that
   * prefill (as vLLM's continue_final_message or Anthropic do), `reject` answers 400. Default: ignored.
   */
  prefill?: 'continue' | 'reject';
}

/** The chunks still to send after `prefill`, cut at the same boundaries (undefined when it is not their prefix). */
function chunksAfter(chunks: string[], prefill: string): string[] | undefined {
  if (!chunks.join('').startsWith(prefill)) return undefined;
  const rest: string[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const skip = Math.max(0, Math.min(chunk.length, prefill.length - offset));
    if (skip < chunk.length) rest.push(chunk.slice(skip));
    offset += chunk.length;
  }
  return rest;
}

export function classification(label: string) {
  return [
    { label, score: 0.9 },
    { label: 'OTHER', score: 0.1 },
  ];
}

/** Registers classification/embedding, chat (JSON + SSE) and job routes. */
export function serveTestUpstream(server: FakeServer, options: TestUpstreamOptions = {}): void {
  const label = options.label ?? 'POSITIVE';
  const usage = options.usage ?? { prompt_tokens: 11, completion_tokens: 7 };
  const allChunks = options.chunks ?? ['Hel', 'lo', ' world'];

  server.route('POST', '/models/*', async (request, response) => {
    const delay = typeof options.delayMs === 'function' ? options.delayMs() : (options.delayMs ?? 0);
    if (delay > 0) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (response.signal.aborted) return;
    }
    const body = request.json<{ inputs: unknown }>();
    const answer = (input: unknown) => {
      if (typeof input === 'string' && input.includes('too long')) return undefined;
      return classification(label);
    };
    if (Array.isArray(body.inputs)) {
      if (body.inputs.some((input) => answer(input) === undefined)) {
        return response.json(400, { error: 'Input validation error: one input is too long' });
      }
      return response.json(200, body.inputs.map(answer));
    }
    if (answer(body.inputs) === undefined)
      return response.json(400, { error: 'Input validation error: input is too long' });
    response.json(200, answer(body.inputs));
  });

  server.route('POST', '/v1/chat/completions', async (request, response) => {
    const body = request.json<{
      model: string;
      stream?: boolean;
      messages?: Array<{ role: string; content: string }>;
    }>();
    const last = body.messages?.at(-1);
    let chunks = allChunks;
    if (last?.role === 'assistant' && options.prefill === 'reject') {
      return response.json(400, { error: 'The last message must be from the user' });
    }
    if (last?.role === 'assistant' && options.prefill === 'continue') {
      chunks = chunksAfter(allChunks, last.content) ?? allChunks;
    }
    if (!body.stream) {
      return response.json(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1764057600,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: chunks.join('') }, finish_reason: 'stop' }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      });
    }
    const base = {
      id: options.id ?? 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 1764057600,
      model: body.model,
    };
    await response.sse(
      [
        ...chunks.map((content, index) => ({
          ...base,
          choices: [
            { index: 0, delta: index === 0 ? { role: 'assistant', content } : { content }, finish_reason: null },
          ],
        })),
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        { ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } },
      ],
      { done: options.done ?? true, delayMs: 5 },
    );
  });

  let jobs = 0;
  server.route('POST', '/v1/videos/generations', (_request, response) => {
    jobs += 1;
    response.json(200, { id: `task-${jobs}`, status: 'pending' });
  });
  server.route('GET', '/v1/tasks/:id', (request, response) => {
    response.json(200, {
      id: request.params.id,
      status: 'completed',
      results: [`https://media.example/${request.params.id}.mp4`],
    });
  });
}

/** Requests that reached a model route (not jobs or chat). */
export function modelCalls(server: FakeServer): RecordedRequest[] {
  return server.requests.filter((request) => request.path.startsWith('/models/'));
}
