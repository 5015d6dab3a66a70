import { parseWith } from '@infermux/core';
import { runTask } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import { sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { base64Float32, checkDimensions, embeddingVectors, refuseTokenIds } from '../wire/openai-embeddings';
import { openaiEmbeddingsRequest } from '../wire/request-schemas';

export const openaiEmbeddingsEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/embeddings',
  format: 'openai',
  auth: 'key',
  summary:
    'OpenAI embeddings (float or base64, `dimensions` where the provider can shorten vectors), served by the feature-extraction task.',
  async handle(context, services) {
    const raw = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
    refuseTokenIds(raw.input);
    const body = parseWith(openaiEmbeddingsRequest, raw, 'request body');
    const { model, input: inputs } = body;
    admitModel(context, model);
    const encoding = body.encoding_format ?? 'float';
    const dimensions = body.dimensions ?? undefined;
    // `user` and unknown fields are ignored, as on /v1/chat/completions (the OpenAI checklist: ignore unknown fields).
    const input = dimensions === undefined ? { inputs } : { inputs, dimensions };
    const result = await runTask(context, services, { task: 'feature-extraction', model, input });
    const vectors = embeddingVectors(result.output, typeof inputs === 'string' ? 1 : inputs.length);
    checkDimensions(vectors, dimensions, result.provider);
    const promptTokens = result.usage.inputTokens ?? 0;
    sendJson(context, 200, {
      object: 'list',
      data: vectors.map((vector, index) => ({
        object: 'embedding',
        index,
        embedding: encoding === 'base64' ? base64Float32(vector) : vector,
      })),
      model: result.model.id,
      usage: { prompt_tokens: promptTokens, total_tokens: result.usage.totalTokens ?? promptTokens },
    });
  },
};
