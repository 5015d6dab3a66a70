export { downloadResult, type EvolinkDownloadOptions } from './download-result';
export { type EvolinkConfig, evolinkProviderFactory } from './evolink-factory';
export { evolinkModelCapabilities, type ModelCapabilities } from './evolink-model-capabilities';
export { createEvolink, type EvolinkProvider, evolink } from './evolink-provider';
export type { EvolinkSettings } from './evolink-settings';
