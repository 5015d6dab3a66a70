// The provider and its config factory.

export { type ApiKeySource, loadApiKey } from './api-key';
export {
  buildChatBody,
  type ChatBodyOptions,
  type ChatStreamState,
  chatBodyFallback,
  chatChunkToStreamParts,
  mapChatResponse,
} from './chat-completion';
export {
  buildEmbeddingsBody,
  decodeBase64Embedding,
  type EmbeddingEncoding,
  embeddingTexts,
  mapEmbeddingsResponse,
  normalizeVector,
  shapeEmbeddings,
} from './embeddings';
export { chatInputForForward, forwardChatCompletion, forwardChatResponse } from './forward-chat';
export {
  chatCompletionFrames,
  isEventStream,
  type JsonAnswerFrames,
  jsonAnswerAsStream,
  textCompletionFrames,
} from './json-answer-stream';
export { listOpenAIModels, type OpenAIModel } from './list-models';
export { revisionWarnings, upstreamModelId } from './model-id';
export { type OpenAICompatibleConfig, openaiCompatibleProviderFactory } from './openai-compatible-factory';
export {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
  type OpenAICompatibleTask,
} from './openai-compatible-provider';
// Building blocks for other adapters (HF router chat, EvoLink): their own URL and error mapping per call.
export { isRefusalStatus, type OpenAIEndpoint } from './openai-endpoint';
export {
  classifyOpenAIError,
  describeOpenAIError,
  type OpenAIErrorContext,
  type OpenAIErrorFields,
  openAIErrorDetails,
  openAIErrorFromResponse,
  openAIErrorFromText,
  parseOpenAIErrorBody,
  readErrorFields,
} from './openai-error';
export {
  batchEmbeddings,
  runChatCompletion,
  runEmbeddings,
  runTextCompletion,
  streamChatCompletion,
  streamTextCompletion,
} from './openai-operations';
export {
  buildHeaders,
  createHeaderCache,
  type ErrorFromResponse,
  joinURL,
  type OpenAIRequest,
  sendOpenAIRequest,
} from './openai-request';
export {
  chatCompletionChunkSchema,
  chatCompletionResponseSchema,
  completionChunkSchema,
  completionResponseSchema,
  embeddingsResponseSchema,
  modelListSchema,
} from './openai-response-schemas';
export { mapOpenAIUsage, parseUpstream } from './openai-usage';
export { type PassOpenAIStreamOptions, passOpenAIStream } from './pass-openai-stream';
export { type ReadOpenAIStreamOptions, readOpenAIStream, streamError } from './read-openai-stream';
export {
  buildCompletionBody,
  completionBodyFallback,
  completionChunkToStreamParts,
  mapCompletionResponse,
} from './text-completion';
