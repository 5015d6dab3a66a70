import type { Endpoint } from '../gateway-services';
import { sendJson } from '../http/respond';

export const openaiModelsEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/models',
  format: 'openai',
  auth: 'key',
  summary: 'The routes (public model names) this gateway serves, in the OpenAI list shape.',
  handle(context, services) {
    const created = Math.floor(services.startedAt / 1000);
    const allowed = context.key?.allowedModels;
    const names = services.engine.routeNames.filter((name) => !allowed || allowed.includes(name));
    sendJson(context, 200, {
      object: 'list',
      data: names.map((id) => ({ id, object: 'model', created, owned_by: 'infermux' })),
    });
  },
};
