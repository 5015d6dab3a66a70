/**
 * Test only: a minimal provider that speaks a small HF/OpenAI-like wire format through core's
 * transport, so routing tests drive real sockets without depending on the adapter packages.
 *   POST /models/<org>/<name>            {inputs, parameters}  → task output (array inputs → array of outputs)
 *   POST /v1/chat/completions            OpenAI chat, JSON or SSE (with stream_options.include_usage)
 *   POST /v1/videos/generations          → {id, status}
 *   GET  /v1/tasks/<id>                  → {id, status, results?, usage?}
 * Errors: {"error": "...", "estimated_time"?: seconds}.
 */
import { InfermuxError } from '../errors/infermux-error';
import type { ModelRef } from '../model/model-ref';
import type { JobStatus, ProviderV1, StreamPart } from '../provider/provider';
import type { ForwardChunk } from '../provider/wire-forward';
import type { Usage } from '../result/usage';
import type { TaskId } from '../tasks/task-registry';
import { httpError } from '../transport/http-error';
import { createHttpTransport, type HttpResponse, type Transport } from '../transport/http-transport';
import { parseSse } from '../transport/sse';
import type { Timeouts } from '../transport/timeouts';

export interface TestProviderOptions {
  name: string;
  baseURL: string;
  transport?: Transport;
  /** Declares native batching of this many inputs per call. */
  maxBatchSize?: number;
  idempotentSubmit?: boolean;
}

interface Call {
  model: ModelRef;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  timeouts?: Partial<Timeouts>;
  /** The call's own key: sent as its Bearer token (the test provider has no configured one). */
  apiKey?: string;
}

export function createTestProvider(options: TestProviderOptions): ProviderV1 {
  const transport = options.transport ?? createHttpTransport();
  const name = options.name;

  async function send(
    method: 'GET' | 'POST',
    path: string,
    call: Omit<Call, 'model'>,
    body?: unknown,
  ): Promise<HttpResponse> {
    const response = await transport.request({
      method,
      url: `${options.baseURL}${path}`,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...call.headers,
        ...(call.apiKey ? { authorization: `Bearer ${call.apiKey}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: call.signal,
      timeouts: call.timeouts,
      provider: name,
    });
    if (response.status >= 400) throw await toError(response);
    return response;
  }

  async function toError(response: HttpResponse): Promise<InfermuxError> {
    const text = await response.text().catch(() => '');
    let body: { error?: string; estimated_time?: number } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // A non-JSON error body still gets a status-based error.
    }
    const message = typeof body.error === 'string' ? body.error : undefined;
    const code =
      response.status === 503 && body.estimated_time !== undefined
        ? 'provider_model_loading'
        : response.status === 400 && /context length/i.test(message ?? '')
          ? 'caller_context_length_exceeded'
          : response.status === 400 && /content filter/i.test(message ?? '')
            ? 'policy_content_filtered'
            : undefined;
    return httpError({
      status: response.status,
      provider: name,
      upstreamMessage: message,
      headers: response.headers,
      requestId: response.requestId,
      code,
      retryAfterMs: body.estimated_time !== undefined ? Math.round(body.estimated_time * 1000) : undefined,
    });
  }

  const modelPath = (model: ModelRef) =>
    `/models/${model.id}${model.revision ? `?revision=${encodeURIComponent(model.revision)}` : ''}`;

  return {
    specificationVersion: 'v1',
    name,
    tasks: {
      'text-classification': { maxBatchSize: options.maxBatchSize },
      'feature-extraction': { maxBatchSize: options.maxBatchSize },
      'chat-completion': { streaming: true, wire: ['openai'] },
      'video-generation': { async: true, idempotentSubmit: options.idempotentSubmit },
    },

    async doRun(call) {
      const task: TaskId = call.task;
      if (task === 'chat-completion') {
        const response = await send('POST', '/v1/chat/completions', call, {
          ...(call.input as object),
          model: call.model.id,
        });
        const output = (await response.json()) as { usage?: { prompt_tokens: number; completion_tokens: number } };
        return {
          output: output as never,
          usage: output.usage
            ? { inputTokens: output.usage.prompt_tokens, outputTokens: output.usage.completion_tokens }
            : {},
          requestId: response.requestId,
          firstByteMs: response.firstByteMs,
        };
      }
      const response = await send('POST', modelPath(call.model), call, call.input);
      return {
        output: (await response.json()) as never,
        requestId: response.requestId,
        firstByteMs: response.firstByteMs,
      };
    },

    async doBatch(call) {
      const inputs = call.inputs.map((input) => (input as { inputs: unknown }).inputs);
      // Core sends items of one batch with the same parameters: the first item's stand for all.
      const { parameters } = call.inputs[0] as { parameters?: unknown };
      const response = await send('POST', modelPath(call.model), call, { inputs, parameters });
      return { outputs: (await response.json()) as never[], requestId: response.requestId };
    },

    async doStream(call) {
      const response = await send('POST', '/v1/chat/completions', call, {
        ...(call.input as object),
        model: call.model.id,
        stream: true,
        stream_options: { include_usage: true },
      });
      async function* parts(): AsyncGenerator<StreamPart> {
        let first = true;
        let finished = false;
        for await (const event of parseSse(response.body)) {
          if (event.data === '[DONE]') return;
          let chunk: {
            id?: string;
            model?: string;
            choices?: Array<{
              index: number;
              delta?: { content?: string; role?: string };
              finish_reason?: string | null;
            }>;
            usage?: { prompt_tokens: number; completion_tokens: number } | null;
          };
          try {
            chunk = JSON.parse(event.data);
          } catch (error) {
            throw new InfermuxError({
              code: 'provider_bad_response',
              message: `${name} sent a stream event that is not JSON`,
              provider: name,
              cause: error,
            });
          }
          if (first) {
            first = false;
            yield { type: 'response-metadata', id: chunk.id, model: chunk.model };
          }
          for (const choice of chunk.choices ?? []) {
            if (choice.delta?.content) yield { type: 'text-delta', text: choice.delta.content, choice: choice.index };
            if (choice.finish_reason) finished = true;
            if (choice.finish_reason)
              yield { type: 'finish', finishReason: choice.finish_reason, choice: choice.index };
          }
          if (chunk.usage)
            yield {
              type: 'usage',
              usage: { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens },
            };
        }
        // A clean end after finish_reason is a whole answer, [DONE] or not (as the adapters read it).
        if (finished) return;
        throw new InfermuxError({
          code: 'provider_stream_interrupted',
          message: `${name} closed the stream before [DONE]`,
          provider: name,
        });
      }
      return { stream: parts(), requestId: response.requestId, firstByteMs: response.firstByteMs };
    },

    // The upstream's own bytes (OpenAI wire), with usage read on the way.
    async doForward(call) {
      const response = await send('POST', '/v1/chat/completions', call, {
        ...(call.input as object),
        model: call.model.id,
        ...(call.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      });
      let usage: Usage = {};
      const readUsage = (text: string) => {
        const found = /"usage":(\{[^}]*\})/.exec(text);
        const counts = found
          ? (JSON.parse(found[1] as string) as { prompt_tokens: number; completion_tokens: number })
          : undefined;
        if (counts) usage = { inputTokens: counts.prompt_tokens, outputTokens: counts.completion_tokens };
      };
      if (!call.stream) {
        const bytes = await response.bytes();
        const text = Buffer.from(bytes).toString();
        try {
          JSON.parse(text);
        } catch (error) {
          throw new InfermuxError({
            code: 'provider_bad_response',
            message: `${name} answered with a body that is not JSON`,
            provider: name,
            cause: error,
          });
        }
        readUsage(text);
        return { contentType: response.contentType, body: bytes, usage: () => usage, requestId: response.requestId };
      }
      async function* chunks(): AsyncGenerator<ForwardChunk> {
        let content = false;
        let done = false;
        for await (const bytes of response.body) {
          const text = Buffer.from(bytes).toString();
          readUsage(text);
          content ||= /"content":"[^"]|"finish_reason":"/.test(text);
          done ||= text.includes('[DONE]');
          yield { bytes, content };
        }
        if (!done)
          throw new InfermuxError({
            code: 'provider_stream_interrupted',
            message: `${name} closed the stream before [DONE]`,
            provider: name,
          });
      }
      return { contentType: response.contentType, body: chunks(), usage: () => usage, requestId: response.requestId };
    },

    async doStart(call) {
      const response = await send('POST', '/v1/videos/generations', call, {
        ...(call.input as object),
        model: call.model.id,
      });
      const body = (await response.json()) as { id: string; status: string };
      return {
        jobId: body.id,
        task: call.task,
        state: body.status === 'completed' ? 'succeeded' : 'queued',
      } as JobStatus<typeof call.task>;
    },

    async doStatus(call) {
      const response = await send('GET', `/v1/tasks/${call.jobId}`, call);
      const body = (await response.json()) as { id: string; status: string; results?: string[] };
      const succeeded = body.status === 'completed';
      return {
        jobId: body.id,
        task: call.task,
        state: succeeded ? 'succeeded' : 'running',
        ...(succeeded ? { output: { videos: (body.results ?? []).map((url) => ({ url })) } } : {}),
      } as JobStatus<typeof call.task>;
    },
  };
}
