import { type HttpResponse, InfermuxError, parseSse, type StreamPart, truncate } from '@infermux/core';
import {
  chatChunkToStreamParts,
  chatCompletionFrames,
  completionChunkToStreamParts,
  isEventStream,
  type JsonAnswerFrames,
  jsonAnswerAsStream,
  readOpenAIStream,
  textCompletionFrames,
} from '@infermux/openai-compatible/internal';
import { z } from 'zod';
import { hfStreamError } from './hf-errors';
import type { HfStreamFraming } from './tasks/task-mapping';

export interface HfStreamContext {
  provider: string;
  modelId: string;
  requestId?: string;
}

/** One TGI stream event (wire/hf §7.1); the spec requires `index` and `token`. */
const tgiEventSchema = z.looseObject({
  index: z.number().optional(),
  token: z.looseObject({
    id: z.number().optional(),
    text: z.string(),
    logprob: z.number().nullable().optional(),
    special: z.boolean().optional(),
  }),
  generated_text: z.string().nullable().optional(),
  details: z
    .looseObject({
      finish_reason: z.string().optional(),
      generated_tokens: z.number().optional(),
      input_length: z.number().optional(),
    })
    .nullable()
    .optional(),
});

function isErrorEvent(json: unknown): boolean {
  return (
    json !== null &&
    typeof json === 'object' &&
    (json as { error?: unknown }).error !== undefined &&
    (json as { error?: unknown }).error !== null
  );
}

/**
 * TGI server-sent events (wire/hf §7.1): one `data:{…}` per token, the last one carrying `generated_text` and
 * `details`; no `[DONE]` (the stream just closes). An `{"error", "error_type"}` event ends it with an error
 * part. Special tokens (EOS…) carry their token info but no text, so they never reach `textStream`.
 * Never throws once the response is open: a cut or malformed stream becomes a final `error` part.
 */
export async function* readTgiStream(response: HttpResponse, context: HfStreamContext): AsyncGenerator<StreamPart> {
  const { provider } = context;
  let finished = false;
  const fail = (error: InfermuxError): StreamPart => ({ type: 'error', error });
  try {
    for await (const event of parseSse(response.body)) {
      const data = event.data.trim();
      if (!data) continue;
      if (data === '[DONE]') break;
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch (cause) {
        yield fail(
          new InfermuxError({
            code: 'provider_bad_response',
            message: `${provider} sent a stream event that is not JSON`,
            provider,
            requestId: context.requestId,
            details: { rawEvent: truncate(data) },
            cause,
          }),
        );
        return;
      }
      if (isErrorEvent(json)) {
        yield fail(
          hfStreamError(json, { provider, modelId: context.modelId, sentToken: true, requestId: context.requestId }),
        );
        return;
      }
      const parsed = tgiEventSchema.safeParse(json);
      if (!parsed.success) {
        yield fail(
          new InfermuxError({
            code: 'provider_bad_response',
            message: `${provider} sent a TGI stream event without {index, token}`,
            provider,
            requestId: context.requestId,
            details: { rawEvent: truncate(data) },
          }),
        );
        return;
      }
      const { token, generated_text: generatedText, details } = parsed.data;
      const special = token.special === true;
      yield {
        type: 'text-delta',
        text: special ? '' : token.text,
        token: {
          ...(token.id !== undefined ? { id: token.id } : {}),
          ...(typeof token.logprob === 'number' ? { logprob: token.logprob } : {}),
          special,
        },
      };
      if (typeof generatedText === 'string') {
        finished = true;
        yield { type: 'finish', finishReason: details?.finish_reason ?? 'unknown', generatedText };
        if (details && (details.generated_tokens !== undefined || details.input_length !== undefined)) {
          yield {
            type: 'usage',
            usage: {
              ...(details.input_length !== undefined ? { inputTokens: details.input_length } : {}),
              ...(details.generated_tokens !== undefined ? { outputTokens: details.generated_tokens } : {}),
            },
          };
        }
      }
    }
  } catch (error) {
    yield fail(
      InfermuxError.isInstance(error) && error.code !== 'provider_network'
        ? error
        : new InfermuxError({
            code: 'provider_stream_interrupted',
            message: `${provider} stream was cut: ${error instanceof Error ? error.message : String(error)}`,
            provider,
            requestId: context.requestId,
            cause: error,
          }),
    );
    return;
  } finally {
    await response.dispose();
  }
  if (!finished) {
    yield fail(
      new InfermuxError({
        code: 'provider_stream_interrupted',
        message: `${provider} closed the stream before the final event (no generated_text): the output is incomplete`,
        provider,
        requestId: context.requestId,
      }),
    );
  }
}

/**
 * A whole TGI answer (`[{generated_text, details?}]` or `{generated_text, details?}`, wire/hf §5.9a) as the one
 * event that ends a TGI stream: the text as one token, with `generated_text` and `details` (wire/hf §7.1).
 */
const tgiAnswerFrames: JsonAnswerFrames = {
  done: false,
  events(json) {
    const answer = (Array.isArray(json) ? json[0] : json) as
      | { generated_text?: unknown; details?: unknown }
      | undefined;
    const text = answer?.generated_text;
    if (typeof text !== 'string') return undefined;
    return [{ index: 1, token: { text, special: false }, generated_text: text, details: answer?.details ?? null }];
  },
};

const answerFrames: Record<HfStreamFraming, JsonAnswerFrames> = {
  tgi: tgiAnswerFrames,
  'openai-chat': chatCompletionFrames,
  'openai-completions': textCompletionFrames,
};

/**
 * A 2xx answer to a stream request as an event stream. A JSON body is either an error some servers send
 * with 200 (thrown, so core can retry or fail over) or the whole answer from a server that ignores
 * `stream: true` (handed on as a one-chunk stream in the route's framing instead of failing).
 */
export function eventStreamOf(
  response: HttpResponse,
  framing: HfStreamFraming,
  context: HfStreamContext,
): Promise<HttpResponse> | HttpResponse {
  if (isEventStream(response)) return response;
  return jsonAnswerAsStream(response, answerFrames[framing], {
    provider: context.provider,
    errorOf: (json) => hfStreamError(json, { ...context, sentToken: true }),
  });
}

/** The stream of one response, read in the framing its route answers with. */
export function readHfStream(
  response: HttpResponse,
  framing: HfStreamFraming,
  context: HfStreamContext,
): AsyncIterable<StreamPart> {
  if (framing === 'tgi') return readTgiStream(response, context);
  const state = { provider: context.provider };
  const toParts =
    framing === 'openai-chat'
      ? (json: unknown) => chatChunkToStreamParts(json, state)
      : (json: unknown) => completionChunkToStreamParts(json, state);
  return readOpenAIStream(response, { provider: context.provider, requestId: context.requestId, toParts });
}
