export { type DownloadedFile, type DownloadResultOptions, downloadResult } from './download-result';
export { type EvolinkOperation, evolinkErrorFromResponse, evolinkJobError } from './evolink-error';
export { type EvolinkConfig, evolinkProviderFactory } from './evolink-factory';
export {
  checkModelCapabilities,
  type EvolinkJobTask,
  evolinkModelCapabilities,
  type FieldRule,
  type ModelCapabilities,
} from './evolink-model-capabilities';
export { createEvolink, type EvolinkProvider, evolink } from './evolink-provider';
export {
  DEFAULT_BASE_URL,
  DEFAULT_TEXT_BASE_URL,
  EVOLINK_API_KEY_ENV,
  EVOLINK_BASE_URL_ENV,
  type EvolinkSettings,
  resolveBaseURLs,
} from './evolink-settings';
export { type EvolinkTask, evolinkTaskSchema } from './evolink-task-schema';
export { RESULT_LIFETIME_MS, taskToJobStatus } from './evolink-task-status';
