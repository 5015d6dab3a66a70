export { createHf, getModelInfo, type HfProvider, hf } from './hf-provider';
export { hfProviderFactory } from './hf-provider-factory';
export { HF_BATCH_TASKS, type HfBatchTaskId, type HfSettings, type TextGenerationRoute } from './hf-settings';
export type { HfModelInfo } from './hub/model-info';
export type { HfTaskId } from './tasks/hf-task-mappings';
