import { InfermuxError } from '@infermux/core';
import { runTask } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { admitModel } from '../keys/authenticate';
import { readJsonBody } from '../http/parse-json-body';
import { sendJson } from '../http/respond';
import { requireModel } from '../wire/openai-chat-input';
import { base64Float32, embeddingInputs, embeddingVectors } from '../wire/openai-embeddings';

export const openaiEmbeddingsEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/embeddings',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI embeddings (float or base64), served by the feature-extraction task.',
  async handle(context, services) {
    const body = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
    const model = requireModel(body);
    admitModel(context, model);
    const encoding = body.encoding_format ?? 'float';
    if (encoding !== 'float' && encoding !== 'base64') {
      throw new InfermuxError({ code: 'caller_invalid_input', message: 'encoding_format: expected "float" or "base64".', details: { field: 'encoding_format' } });
    }
    const inputs = embeddingInputs(body.input);
    const result = await runTask(context, services, { task: 'feature-extraction', model, input: { inputs } });
    const vectors = embeddingVectors(result.output, typeof inputs === 'string' ? 1 : inputs.length);
    const promptTokens = result.usage.inputTokens ?? 0;
    sendJson(context, 200, {
      object: 'list',
      data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encoding === 'base64' ? base64Float32(vector) : vector })),
      model: result.model.id,
      usage: { prompt_tokens: promptTokens, total_tokens: result.usage.totalTokens ?? promptTokens },
    });
  },
};
