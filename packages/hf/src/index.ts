export { createHf, hf, getModelInfo, type HfProvider } from './hf-provider';
export { hfProviderFactory } from './hf-provider-factory';
export { hfSettingsSchema, textGenerationRouteSchema, type HfSettings, type HfSettingsInput, type TextGenerationRoute } from './hf-settings';
export { hfTaskMappings, type HfTaskId } from './tasks/hf-task-mappings';
export type { HfTaskMapping, HfRequestPlan, HfRequestBody, HfResponseBody, HfRouteContext, HfStreamFraming } from './tasks/task-mapping';
export type { HfModelInfo } from './hub/model-info';
export { hfErrorFromBody, upstreamMessage } from './hf-errors';
export { DEFAULT_ROUTER_URL, DEFAULT_HUB_URL, resolveRouterBase } from './hf-urls';
