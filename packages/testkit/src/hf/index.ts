export { startFakeHf, fakeHfRoutes, type FakeHf, type FakeHfOptions } from './fake-hf.js';
export { FakeHfState, type FakeHfEndpoint } from './fake-hf-state.js';
export { FAKE_HF_VALID_TOKEN, FAKE_HF_OTHER_TOKEN, defaultFakeHfModels, fakeSha, type FakeHfModel } from './fake-hf-models.js';
export { TINY_PNG, FAKE_FLAC } from './fake-hf-tasks.js';
