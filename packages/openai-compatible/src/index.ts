// The provider, its config factory, and what its settings and results name.

export type { EmbeddingEncoding } from './embeddings';
export type { OpenAIModel } from './list-models';
export {
  OPENAI_BASE_URL,
  type OpenAICompatibleConfig,
  type OpenAIPresetConfig,
  openaiCompatibleProviderFactory,
  openaiProviderFactory,
} from './openai-compatible-factory';
export {
  createOpenAICompatible,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
  type OpenAICompatibleTask,
} from './openai-compatible-provider';
// `errorFromResponse` setting: a custom mapper may fall back on the default one.
export { openAIErrorFromResponse } from './openai-error';
