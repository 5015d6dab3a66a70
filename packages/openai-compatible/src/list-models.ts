import type { OpenAIEndpoint } from './openai-endpoint';
import { sendOpenAIRequest } from './openai-request';
import { modelListSchema } from './openai-response-schemas';
import { parseUpstream } from './openai-usage';

export interface OpenAIModel {
  id: string;
  /** Unix seconds, when the upstream says. */
  created?: number;
  ownedBy?: string;
}

/** `GET /v1/models`: the model names the upstream serves. */
export async function listOpenAIModels(endpoint: OpenAIEndpoint): Promise<OpenAIModel[]> {
  const response = await sendOpenAIRequest({ ...endpoint, method: 'GET' });
  const list = parseUpstream(modelListSchema, await response.json(), endpoint.provider, 'model list');
  return list.data.map((model) => ({
    id: model.id,
    ...(model.created != null ? { created: model.created } : {}),
    ...(model.owned_by ? { ownedBy: model.owned_by } : {}),
  }));
}
