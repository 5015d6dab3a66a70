export { type FakeHf, type FakeHfOptions, fakeHfRoutes, startFakeHf } from './fake-hf.js';
export type { FakeListOptions } from './fake-hf-lists.js';
export {
  defaultFakeHfModels,
  FAKE_HF_OTHER_TOKEN,
  FAKE_HF_VALID_TOKEN,
  type FakeHfModel,
  fakeSha,
} from './fake-hf-models.js';
export { type FakeHfEndpoint, FakeHfState } from './fake-hf-state.js';
export { FAKE_FLAC, TINY_PNG } from './fake-hf-tasks.js';
