import type { ProviderModel } from '@infermux/core';
import { getJson, parseUpstream, type UpstreamEndpoint } from '@infermux/core/provider-utils';
import { modelListSchema } from './openai-response-schemas';

export type OpenAIModel = ProviderModel;

/** `GET /v1/models`: the model names the upstream serves. */
export async function listOpenAIModels(endpoint: UpstreamEndpoint): Promise<OpenAIModel[]> {
  const response = await getJson(endpoint);
  const list = parseUpstream(modelListSchema, await response.json(), endpoint, 'a model list');
  return list.data.map((model) => ({
    id: model.id,
    ...(model.created != null ? { created: model.created } : {}),
    ...(model.owned_by ? { ownedBy: model.owned_by } : {}),
  }));
}
