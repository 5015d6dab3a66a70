import type { ProviderBatchResult, ProviderRunResult, ProviderStreamResult, TaskInput } from '@infermux/core';
import {
  EVENT_STREAM_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  postJson,
  type UpstreamEndpoint,
} from '@infermux/core/provider-utils';
import { buildChatBody, chatBodyFallback, chatChunkToStreamParts, mapChatResponse } from './chat-completion';
import {
  buildEmbeddingsBody,
  type EmbeddingEncoding,
  embeddingTexts,
  mapEmbeddingsResponse,
  shapeEmbeddings,
  sharedDimensions,
} from './embeddings';
import { chatCompletionFrames, isEventStream, jsonAnswerAsStream, textCompletionFrames } from './json-answer-stream';
import { readOpenAIStream } from './read-openai-stream';
import {
  buildCompletionBody,
  completionBodyFallback,
  completionChunkToStreamParts,
  mapCompletionResponse,
} from './text-completion';

// One upstream call per function: body → POST → mapped result. No retries here; core owns them.

export async function runChatCompletion(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'chat-completion'>,
  modelId: string,
): Promise<ProviderRunResult<'chat-completion'>> {
  const response = await postJson(endpoint, buildChatBody(input, modelId), JSON_MEDIA_TYPE);
  const mapped = mapChatResponse(await response.json(), { provider: endpoint.provider, modelId });
  // Set on the mapped result (ours, fresh) rather than spread into a copy of it.
  mapped.requestId = response.requestId;
  mapped.firstByteMs = response.firstByteMs;
  return mapped;
}

export async function streamChatCompletion(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'chat-completion'>,
  modelId: string,
  options: { includeUsage?: boolean } = {},
): Promise<ProviderStreamResult> {
  const body = buildChatBody(input, modelId, { stream: true, includeUsage: options.includeUsage });
  let response = await postJson(endpoint, body, EVENT_STREAM_MEDIA_TYPE, { fallback: chatBodyFallback(input, body) });
  if (!isEventStream(response)) response = await jsonAnswerAsStream(response, chatCompletionFrames, endpoint);
  const state = { provider: endpoint.provider };
  return {
    stream: readOpenAIStream(response, {
      provider: endpoint.provider,
      toParts: (json) => chatChunkToStreamParts(json, state),
    }),
    requestId: response.requestId,
    firstByteMs: response.firstByteMs,
  };
}

export async function runTextCompletion(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'text-generation'>,
  modelId: string,
): Promise<ProviderRunResult<'text-generation'>> {
  const response = await postJson(endpoint, buildCompletionBody(input, modelId), JSON_MEDIA_TYPE);
  const mapped = mapCompletionResponse(await response.json(), { provider: endpoint.provider, modelId });
  return { ...mapped, requestId: response.requestId, firstByteMs: response.firstByteMs };
}

export async function streamTextCompletion(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'text-generation'>,
  modelId: string,
  options: { includeUsage?: boolean } = {},
): Promise<ProviderStreamResult> {
  const body = buildCompletionBody(input, modelId, { stream: true, includeUsage: options.includeUsage });
  let response = await postJson(endpoint, body, EVENT_STREAM_MEDIA_TYPE, { fallback: completionBodyFallback(body) });
  if (!isEventStream(response)) response = await jsonAnswerAsStream(response, textCompletionFrames, endpoint);
  const state = { provider: endpoint.provider };
  return {
    stream: readOpenAIStream(response, {
      provider: endpoint.provider,
      toParts: (json) => completionChunkToStreamParts(json, state),
    }),
    requestId: response.requestId,
    firstByteMs: response.firstByteMs,
  };
}

/** Several feature-extraction inputs in one `/v1/embeddings` call, split back per input. */
export async function batchEmbeddings(
  endpoint: UpstreamEndpoint,
  inputs: Array<TaskInput<'feature-extraction'>>,
  modelId: string,
  encoding?: EmbeddingEncoding,
): Promise<ProviderBatchResult<'feature-extraction'>> {
  const perInput = inputs.map((input, index) => embeddingTexts(input, inputs.length > 1 ? `[${index}].` : ''));
  const texts = perInput.flat();
  const response = await postJson(
    endpoint,
    buildEmbeddingsBody(texts, modelId, encoding, { dimensions: sharedDimensions(inputs) }),
    JSON_MEDIA_TYPE,
  );
  const mapped = mapEmbeddingsResponse(await response.json(), { provider: endpoint.provider, expected: texts.length });
  let offset = 0;
  const outputs = inputs.map((input, index) => {
    const count = (perInput[index] as string[]).length;
    const vectors = mapped.vectors.slice(offset, offset + count);
    offset += count;
    return shapeEmbeddings(input, vectors);
  });
  return { outputs, usage: mapped.usage, model: { id: mapped.model ?? modelId }, requestId: response.requestId };
}

export async function runEmbeddings(
  endpoint: UpstreamEndpoint,
  input: TaskInput<'feature-extraction'>,
  modelId: string,
  encoding?: EmbeddingEncoding,
): Promise<ProviderRunResult<'feature-extraction'>> {
  const batch = await batchEmbeddings(endpoint, [input], modelId, encoding);
  return {
    output: batch.outputs[0] as number[] | number[][],
    usage: batch.usage,
    model: batch.model,
    requestId: batch.requestId,
  };
}
