import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import type { FakeHfModel } from './fake-hf-models.js';

export type AuthOutcome = { token: string | undefined } | { answered: true };

/** The bearer token of a request, if any. */
export function bearerToken(request: RecordedRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Router auth (wire/hf §2): anonymous calls are refused with 401 (the exact text is unverified); an unknown
 * token gets `{"error": "Invalid credentials in Authorization header"}`.
 */
export function checkRouterToken(
  request: RecordedRequest,
  response: FakeResponseTools,
  tokens: ReadonlySet<string>,
  requestId: string,
): AuthOutcome {
  const token = bearerToken(request);
  if (token === undefined) {
    response.json(
      401,
      { error: 'You must provide a token to call Inference Providers (Authorization: Bearer hf_***)' },
      { 'x-request-id': requestId },
    );
    return { answered: true };
  }
  if (!tokens.has(token)) {
    response.json(401, { error: 'Invalid credentials in Authorization header' }, { 'x-request-id': requestId });
    return { answered: true };
  }
  return { token };
}

/** Whether `token` may see a private model (anyone sees public ones). */
export function canSee(model: FakeHfModel, token: string | undefined): boolean {
  return !model.private || (token !== undefined && (model.allowedTokens ?? []).includes(token));
}

/** Whether `token` was granted access to a gated model. */
export function hasGatedAccess(model: FakeHfModel, token: string | undefined): boolean {
  return !model.gated || (token !== undefined && (model.allowedTokens ?? []).includes(token));
}
