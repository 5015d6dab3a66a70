import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import { canSee, checkRouterToken } from './fake-hf-auth.js';
import type { FakeHfState } from './fake-hf-state.js';

/**
 * `GET /v1/models` on the router (wire/hf §10, docs `hub-api.md`): the conversational models, each with its
 * providers, their `status`, `context_length` and, when known, `pricing: {input, output}` in USD per million tokens.
 */
export function answerRouterModels(state: FakeHfState, request: RecordedRequest, response: FakeResponseTools): void {
  const requestId = state.nextRequestId();
  const auth = checkRouterToken(request, response, state.tokens, requestId);
  if ('answered' in auth) return;
  const data = [...state.models.values()]
    .filter((model) => canSee(model, auth.token) && (model.tags ?? []).includes('conversational'))
    .map((model) => ({
      id: model.id,
      object: 'model',
      created: 1_700_000_000,
      owned_by: model.id.split('/')[0],
      providers: (model.routerProviders ?? [{ provider: 'hf-inference' }]).map((offer) => ({
        provider: offer.provider,
        status: offer.status ?? 'live',
        ...(offer.contextLength === undefined ? {} : { context_length: offer.contextLength }),
        ...(offer.pricing === undefined ? {} : { pricing: offer.pricing }),
        supports_tools: true,
        supports_structured_output: false,
      })),
    }));
  response.json(200, { object: 'list', data }, { 'x-request-id': requestId });
}
