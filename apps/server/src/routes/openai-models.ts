import { InfermuxError } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import type { RequestContext } from '../http/request-context';
import { sendJson } from '../http/respond';
import { allowedModelAdmits } from '../keys/allowed-models';

/** A key with `allowedModels` sees only what it may call. */
function visibleTo(context: RequestContext) {
  const allowed = context.key?.allowedModels;
  return (id: string) => !allowed || allowed.some((entry) => allowedModelAdmits(entry, id));
}

export const openaiModelsEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/models',
  format: 'openai',
  auth: 'key',
  summary:
    "What this gateway serves, in the OpenAI list shape: route names, the models their targets name, and each provider catalogue (`provider:id`: an OpenAI-compatible upstream's or the HF router's model list, cached). A key with allowed models sees only those.",
  async handle(context, services) {
    const visible = visibleTo(context);
    const data = (await services.models.list()).filter((model) => visible(model.id));
    sendJson(context, 200, { object: 'list', data });
  },
};

export const openaiModelEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/models/{model+}',
  format: 'openai',
  auth: 'key',
  summary: 'One model of `GET /v1/models` (404 `model_not_found` for one it does not list or the key may not use).',
  async handle(context, services) {
    const id = context.params.model as string;
    const model = visibleTo(context)(id) ? (await services.models.list()).find((entry) => entry.id === id) : undefined;
    if (!model) {
      throw new InfermuxError({
        code: 'caller_model_not_found',
        status: 404,
        message: `The model "${id}" is not listed by this gateway; GET /v1/models lists those it serves.`,
        details: { field: 'model' },
      });
    }
    sendJson(context, 200, model);
  },
};
