export { hfErrorFromBody, upstreamMessage } from './hf-errors';
export { createHf, getModelInfo, type HfProvider, hf } from './hf-provider';
export { hfProviderFactory } from './hf-provider-factory';
export {
  type HfSettings,
  type HfSettingsInput,
  hfSettingsSchema,
  type TextGenerationRoute,
  textGenerationRouteSchema,
} from './hf-settings';
export { DEFAULT_HUB_URL, DEFAULT_ROUTER_URL, resolveRouterBase } from './hf-urls';
export type { HfModelInfo } from './hub/model-info';
export { type HfTaskId, hfTaskMappings } from './tasks/hf-task-mappings';
export type {
  HfRequestBody,
  HfRequestPlan,
  HfResponseBody,
  HfRouteContext,
  HfStreamFraming,
  HfTaskMapping,
} from './tasks/task-mapping';
