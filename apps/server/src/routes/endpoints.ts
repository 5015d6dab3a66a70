import type { Endpoint } from '../gateway-services';
import { adminCreateKeyEndpoint, adminListKeysEndpoint, adminRevokeKeyEndpoint } from './admin-keys';
import {
  evolinkChatEndpoint,
  evolinkImageTaskEndpoint,
  evolinkTaskStatusEndpoint,
  evolinkVideoTaskEndpoint,
  rootVideoGenerationsEndpoint,
} from './evolink-tasks';
import { healthEndpoint, metricsEndpoint, readyEndpoint } from './health-and-metrics';
import { hfInferenceModelsEndpoint, hfModelsEndpoint, openaiCompletionsEndpoint } from './hf-models';
import {
  nativeJobCancelEndpoint,
  nativeJobStatusEndpoint,
  nativeJobSubmitEndpoint,
  nativeTaskEndpoint,
} from './native-tasks';
import { openaiChatEndpoint } from './openai-chat';
import { openaiEmbeddingsEndpoint } from './openai-embeddings';
import { openaiImagesEndpoint } from './openai-images';
import { openaiModelEndpoint, openaiModelsEndpoint } from './openai-models';
import {
  openaiVideoContentEndpoint,
  openaiVideoCreateEndpoint,
  openaiVideoDeleteEndpoint,
  openaiVideoListEndpoint,
  openaiVideoRemixEndpoint,
  openaiVideoRetrieveEndpoint,
} from './openai-videos';
import { usageEndpoint } from './usage';

/** Every API endpoint of the gateway (docs and openapi are added beside these). */
export const apiEndpoints: readonly Endpoint[] = [
  openaiChatEndpoint,
  openaiEmbeddingsEndpoint,
  openaiImagesEndpoint,
  openaiCompletionsEndpoint,
  openaiVideoCreateEndpoint,
  openaiVideoRetrieveEndpoint,
  openaiVideoContentEndpoint,
  openaiVideoListEndpoint,
  openaiVideoDeleteEndpoint,
  openaiVideoRemixEndpoint,
  openaiModelsEndpoint,
  openaiModelEndpoint,
  rootVideoGenerationsEndpoint,
  evolinkImageTaskEndpoint,
  evolinkVideoTaskEndpoint,
  evolinkTaskStatusEndpoint,
  evolinkChatEndpoint,
  hfModelsEndpoint,
  hfInferenceModelsEndpoint,
  nativeJobSubmitEndpoint,
  nativeTaskEndpoint,
  nativeJobStatusEndpoint,
  nativeJobCancelEndpoint,
  usageEndpoint,
  adminCreateKeyEndpoint,
  adminListKeysEndpoint,
  adminRevokeKeyEndpoint,
  healthEndpoint,
  readyEndpoint,
  metricsEndpoint,
];
