export { collectAll } from './collect-all.js';
export { delay } from './delay.js';
export { evolinkErrorBody, evolinkTaskIdPattern, fakeMedia } from './evolink/evolink-wire.js';
// EvoLink fake (chat, image/video tasks, task status, result files).
export {
  behaviourFromPrompt,
  type FakeEvolink,
  type FakeEvolinkKind,
  type FakeEvolinkOptions,
  type FakeJobBehaviour,
  startFakeEvolink,
} from './evolink/fake-evolink.js';
export type { FakeHandler, FakeRoute } from './fake-route.js';
export { FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';
export type {
  BodyFault,
  CutBodyFault,
  DelayHeadersFault,
  Fault,
  FaultHandle,
  FaultMatcher,
  FaultOptions,
  FaultPoint,
  InjectBytesFault,
  MalformedJsonFault,
  ResetFault,
  SlowBodyFault,
  StallMidStreamFault,
  StatusFault,
} from './fault.js';
// Hugging Face fake (router: hf-inference + OpenAI chat, legacy host, Hub API, dedicated endpoints).
export * from './hf/index.js';
export type { FakeHeaders } from './merge-headers.js';
// OpenAI-compatible fake (chat, completions, embeddings, models).
export { type FakeOpenAI, type FakeOpenAIOptions, startFakeOpenAI } from './openai/fake-openai.js';
export { type FakeChatMessage, type FakeOpenAIRouteOptions, openAIRoutes } from './openai/openai-routes.js';
export { encodeFloat32Base64, fakeEmbedding, openAIErrorBody } from './openai/openai-wire.js';
export type { RecordedRequest } from './recorded-request.js';
export { rejectionOf } from './rejection-of.js';
export type { FakeResponseTools, SseOptions } from './response-tools.js';
export { resultFileRoutes } from './result-file-routes.js';
export type { RouteParams, RoutePattern } from './route-pattern.js';
export { redisForTests, TEST_REDIS_URL } from './services/redis-for-tests.js';
export { SSE_DONE_FRAME, sseFrame } from './sse-frame.js';
export { withFakeServer } from './with-fake-server.js';
