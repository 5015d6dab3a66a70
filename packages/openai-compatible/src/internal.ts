// `@infermux/openai-compatible/internal`: the OpenAI wire mapping that other adapters (HF router chat,
// EvoLink) reuse with their own URL and error mapping. Not a stable API: it changes with those adapters.

export { buildChatBody, chatBodyFallback, chatChunkToStreamParts, mapChatResponse } from './chat-completion';
export { chatInputForForward, forwardChatCompletion, forwardChatResponse } from './forward-chat';
export {
  chatCompletionFrames,
  isEventStream,
  type JsonAnswerFrames,
  jsonAnswerAsStream,
  textCompletionFrames,
} from './json-answer-stream';
export { listOpenAIModels } from './list-models';
export {
  classifyOpenAIError,
  describeOpenAIError,
  openAIErrorDetails,
  parseOpenAIErrorBody,
} from './openai-error';
export { runChatCompletion, streamChatCompletion } from './openai-operations';
export { readOpenAIStream } from './read-openai-stream';
export {
  buildCompletionBody,
  completionBodyFallback,
  completionChunkToStreamParts,
  mapCompletionResponse,
} from './text-completion';
export { revisionWarnings, upstreamModelId } from './upstream-model';
