export { createEvolink, evolink, type EvolinkProvider } from './evolink-provider';
export { evolinkProviderFactory, type EvolinkConfig } from './evolink-factory';
export {
  type EvolinkSettings,
  resolveBaseURLs,
  EVOLINK_API_KEY_ENV,
  EVOLINK_BASE_URL_ENV,
  DEFAULT_BASE_URL,
  DEFAULT_TEXT_BASE_URL,
} from './evolink-settings';
export { downloadResult, type DownloadResultOptions, type DownloadedFile } from './download-result';
export { evolinkModelCapabilities, checkModelCapabilities, type ModelCapabilities, type FieldRule, type EvolinkJobTask } from './evolink-model-capabilities';
export { evolinkErrorFromResponse, evolinkJobError, type EvolinkOperation } from './evolink-error';
export { taskToJobStatus, RESULT_LIFETIME_MS } from './evolink-task-status';
export { evolinkTaskSchema, type EvolinkTask } from './evolink-task-schema';
