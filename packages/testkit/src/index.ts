export { delay } from './delay.js';
export { rejectionOf } from './rejection-of.js';
export { FakeServer, startFakeServer, type FakeServerOptions } from './fake-server.js';
export { withFakeServer } from './with-fake-server.js';
export type { FakeHandler, FakeRoute } from './fake-route.js';
export type { FakeResponseTools, SseOptions } from './response-tools.js';
export type { RecordedRequest } from './recorded-request.js';
export type { RouteParams, RoutePattern } from './route-pattern.js';
export type { FakeHeaders } from './merge-headers.js';
export { sseFrame, SSE_DONE_FRAME } from './sse-frame.js';
export type {
  BodyFault,
  CutBodyFault,
  DelayHeadersFault,
  Fault,
  FaultHandle,
  FaultMatcher,
  FaultOptions,
  MalformedJsonFault,
  ResetFault,
  SlowBodyFault,
  StallMidStreamFault,
  StatusFault,
} from './fault.js';

// OpenAI-compatible fake (chat, completions, embeddings, models).
export { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from './openai/fake-openai.js';
export { openAIRoutes, type FakeOpenAIRouteOptions, type FakeChatMessage } from './openai/openai-routes.js';
export { openAIErrorBody, encodeFloat32Base64, fakeEmbedding } from './openai/openai-wire.js';

// EvoLink fake (chat, image/video tasks, task status, result files).
export { startFakeEvolink, behaviourFromPrompt, type FakeEvolink, type FakeEvolinkOptions, type FakeJobBehaviour, type FakeEvolinkKind } from './evolink/fake-evolink.js';
export { evolinkErrorBody, evolinkTaskIdPattern, fakeMedia } from './evolink/evolink-wire.js';

// Hugging Face fake (router: hf-inference + OpenAI chat, legacy host, Hub API, dedicated endpoints).
export * from './hf/index.js';
