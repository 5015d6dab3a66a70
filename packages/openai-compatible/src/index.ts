// The provider and its config factory.
export { createOpenAICompatible, type OpenAICompatibleSettings, type OpenAICompatibleProvider, type OpenAICompatibleTask } from './openai-compatible-provider';
export { openaiCompatibleProviderFactory, type OpenAICompatibleConfig } from './openai-compatible-factory';

// Building blocks for other adapters (HF router chat, EvoLink): their own URL and error mapping per call.
export { type OpenAIEndpoint } from './openai-endpoint';
export {
  runChatCompletion,
  streamChatCompletion,
  runTextCompletion,
  streamTextCompletion,
  runEmbeddings,
  batchEmbeddings,
} from './openai-operations';
export { buildChatBody, mapChatResponse, chatChunkToStreamParts, type ChatBodyOptions, type ChatStreamState } from './chat-completion';
export { buildCompletionBody, mapCompletionResponse, completionChunkToStreamParts } from './text-completion';
export {
  buildEmbeddingsBody,
  embeddingTexts,
  mapEmbeddingsResponse,
  decodeBase64Embedding,
  normalizeVector,
  shapeEmbeddings,
  type EmbeddingEncoding,
} from './embeddings';
export { readOpenAIStream, streamError, type ReadOpenAIStreamOptions } from './read-openai-stream';
export { forwardChatCompletion, forwardChatResponse, chatInputForForward } from './forward-chat';
export { passOpenAIStream, type PassOpenAIStreamOptions } from './pass-openai-stream';
export {
  openAIErrorFromResponse,
  openAIErrorFromText,
  parseOpenAIErrorBody,
  readErrorFields,
  classifyOpenAIError,
  describeOpenAIError,
  openAIErrorDetails,
  type OpenAIErrorFields,
  type OpenAIErrorContext,
} from './openai-error';
export { sendOpenAIRequest, buildHeaders, createHeaderCache, joinURL, type OpenAIRequest, type ErrorFromResponse } from './openai-request';
export { listOpenAIModels, type OpenAIModel } from './list-models';
export { mapOpenAIUsage, parseUpstream } from './openai-usage';
export { upstreamModelId, revisionWarnings } from './model-id';
export { loadApiKey, type ApiKeySource } from './api-key';
export {
  chatCompletionResponseSchema,
  chatCompletionChunkSchema,
  completionResponseSchema,
  completionChunkSchema,
  embeddingsResponseSchema,
  modelListSchema,
} from './openai-response-schemas';
