import type { z } from 'zod';
import * as schemas from './api-schemas';

/** What /openapi.json says about one endpoint beyond what the endpoint table holds (method, path, auth, summary). */
export interface OperationDocument {
  operationId: string;
  /** A short title; the endpoint's summary becomes the description. */
  summary: string;
  /** JSON body (`application/json`) unless `contentTypes` says otherwise. */
  request?: { schema: z.ZodType; contentTypes?: readonly string[] };
  /** Success answer; `stream` adds `text/event-stream` (the body has `stream: true`). */
  response?: { status?: 200 | 201 | 202; schema?: z.ZodType; contentType?: string; stream?: boolean };
  query?: Record<string, { schema: z.ZodType; description: string }>;
  /** Paths under this one that the same endpoint serves (`{model+}` takes the rest of the path). */
  subPaths?: Record<string, OperationDocument>;
}

const binaryBody = ['image/*', 'audio/*', 'application/octet-stream'] as const;

const hfOperation = (operationId: string, summary: string): OperationDocument => ({
  operationId,
  summary,
  request: { schema: schemas.hfRequest, contentTypes: ['application/json', ...binaryBody] },
  response: { schema: schemas.hfResponse, stream: true },
  query: {
    task: {
      schema: schemas.taskName,
      description: "The task to run; else the `x-infermux-task` header or the model's pipeline tag.",
    },
  },
});

/** Keyed by `METHOD path` as in the endpoint table; a test checks that every endpoint has one. */
export const operationDocuments: Readonly<Record<string, OperationDocument>> = {
  'POST /v1/chat/completions': {
    operationId: 'createChatCompletion',
    summary: 'Create a chat completion',
    request: { schema: schemas.openaiChatRequest },
    response: { schema: schemas.openaiChatResponse, stream: true },
  },
  'POST /v1/completions': {
    operationId: 'createCompletion',
    summary: 'Create a completion (legacy)',
    request: { schema: schemas.openaiCompletionRequest },
    response: { schema: schemas.openaiCompletionResponse, stream: true },
  },
  'POST /v1/embeddings': {
    operationId: 'createEmbedding',
    summary: 'Create embeddings',
    request: { schema: schemas.openaiEmbeddingsRequest },
    response: { schema: schemas.openaiEmbeddingsResponse },
  },
  'POST /v1/images/generations': {
    operationId: 'createImage',
    summary: 'Generate images',
    request: { schema: schemas.openaiImagesRequest },
    response: { schema: schemas.openaiImagesResponse },
  },
  'POST /v1/videos': {
    operationId: 'createVideo',
    summary: 'Create a video',
    request: { schema: schemas.openaiVideoRequest, contentTypes: ['application/json', 'multipart/form-data'] },
    response: { schema: schemas.openaiVideoResponse },
  },
  'GET /v1/videos/{id}': {
    operationId: 'retrieveVideo',
    summary: 'Retrieve a video',
    response: { schema: schemas.openaiVideoResponse },
  },
  'GET /v1/videos/{id}/content': {
    operationId: 'downloadVideoContent',
    summary: 'Download video content',
    response: { contentType: 'video/mp4' },
    query: { variant: { schema: schemas.videoVariant, description: 'Only `video` is served.' } },
  },
  'GET /v1/videos': { operationId: 'listVideos', summary: 'List videos (not supported)' },
  'DELETE /v1/videos/{id}': { operationId: 'deleteVideo', summary: 'Delete a video (not supported)' },
  'POST /v1/videos/{id}/remix': { operationId: 'remixVideo', summary: 'Remix a video (not supported)' },
  'POST /evolink/v1/images/generations': {
    operationId: 'createEvolinkImageTask',
    summary: 'Start an image task (EvoLink wire)',
    request: { schema: schemas.evolinkImageRequest },
    response: { schema: schemas.evolinkTaskResponse },
  },
  'POST /evolink/v1/videos/generations': {
    operationId: 'createEvolinkVideoTask',
    summary: 'Start a video task (EvoLink wire)',
    request: { schema: schemas.evolinkVideoRequest },
    response: { schema: schemas.evolinkTaskResponse },
  },
  'GET /evolink/v1/tasks/{id}': {
    operationId: 'getEvolinkTask',
    summary: 'Get a task (EvoLink wire)',
    response: { schema: schemas.evolinkTaskResponse },
  },
  'POST /evolink/v1/chat/completions': {
    operationId: 'createEvolinkChatCompletion',
    summary: 'Create a chat completion (EvoLink base URL)',
    request: { schema: schemas.openaiChatRequest },
    response: { schema: schemas.openaiChatResponse, stream: true },
  },
  'POST /v1/videos/generations': {
    operationId: 'explainVideoGenerationsPath',
    summary: "EvoLink's video path at the root (answers where each wire is)",
  },
  'GET /v1/models': {
    operationId: 'listModels',
    summary: 'List models',
    response: { schema: schemas.openaiModelsResponse },
  },
  'GET /v1/models/{model+}': {
    operationId: 'retrieveModel',
    summary: 'Retrieve a model',
    response: { schema: schemas.openaiModel },
  },
  'POST /models/{model+}': {
    ...hfOperation('runHfModel', 'Run a Hugging Face model'),
    subPaths: {
      '/pipeline/{task}': { ...hfOperation('runHfPipeline', 'Run a model as a given task'), query: undefined },
      '/v1/chat/completions': {
        operationId: 'createModelChatCompletion',
        summary: 'Create a chat completion (HF router path)',
        request: { schema: schemas.routerChatRequest },
        response: { schema: schemas.openaiChatResponse, stream: true },
      },
      '/v1/completions': {
        operationId: 'createModelCompletion',
        summary: 'Create a completion (HF router path)',
        request: { schema: schemas.routerCompletionRequest },
        response: { schema: schemas.openaiCompletionResponse, stream: true },
      },
    },
  },
  'POST /hf-inference/models/{model+}': hfOperation('runHfInferenceModel', 'Run a model (hf-inference path)'),
  'POST /v1/tasks/{task}/jobs': {
    operationId: 'submitTaskJob',
    summary: 'Submit an async task job',
    request: { schema: schemas.nativeTaskRequest },
    response: { status: 202, schema: schemas.jobStatusResponse },
  },
  'POST /v1/tasks/{task}': {
    operationId: 'runTask',
    summary: 'Run a task',
    request: { schema: schemas.nativeTaskRequest },
    response: { schema: schemas.nativeTaskResponse, stream: true },
  },
  'GET /v1/jobs/{id}': { operationId: 'getJob', summary: 'Get a job', response: { schema: schemas.jobStatusResponse } },
  'DELETE /v1/jobs/{id}': {
    operationId: 'cancelJob',
    summary: 'Cancel a job',
    response: { schema: schemas.jobStatusResponse },
  },
  'GET /v1/usage': {
    operationId: 'getUsage',
    summary: 'Get usage',
    response: { schema: schemas.usageResponse },
    query: {
      by: { schema: schemas.usageGrouping, description: 'How rows are grouped.' },
      since: { schema: schemas.isoDate, description: 'Only requests from this date on.' },
    },
  },
  'POST /admin/keys': {
    operationId: 'createKey',
    summary: 'Create a gateway key',
    request: { schema: schemas.adminCreateKeyRequest },
    response: { status: 201, schema: schemas.adminCreateKeyResponse },
  },
  'GET /admin/keys': {
    operationId: 'listKeys',
    summary: 'List gateway keys',
    response: { schema: schemas.adminListKeysResponse },
  },
  'DELETE /admin/keys/{id}': {
    operationId: 'revokeKey',
    summary: 'Revoke a gateway key',
    response: { schema: schemas.gatewayKeyView },
  },
  'GET /healthz': { operationId: 'getHealth', summary: 'Liveness', response: { schema: schemas.healthResponse } },
  'GET /readyz': { operationId: 'getReadiness', summary: 'Readiness', response: { schema: schemas.readyResponse } },
  'GET /metrics': { operationId: 'getMetrics', summary: 'Prometheus metrics', response: { contentType: 'text/plain' } },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'OpenAPI document',
    response: { contentType: 'application/json' },
  },
  'GET /docs': {
    operationId: 'getApiReference',
    summary: 'API reference page',
    response: { contentType: 'text/html' },
  },
  'GET /docs/api-reference.js': {
    operationId: 'getApiReferenceViewer',
    summary: 'API reference viewer',
    response: { contentType: 'text/javascript' },
  },
};
