import { formatModelRef, InfermuxError, parseModelRef } from '@infermux/core';
import type { GatewayServices } from '../gateway-services';
import type { RequestContext } from '../http/request-context';
import { allowedModelAdmits } from './allowed-models';

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? (match[1] as string).trim() : undefined;
}

/**
 * Checks the caller's gateway key (Bearer) when the auth policy asks for one (always on a network bind).
 *
 * A bearer token with the prefix of a provider whose `passThrough` is on (`hf_…`) is that provider's token,
 * never a gateway key (`imx_…`; the prefixes cannot overlap, checked at start). While the policy asks for no
 * key it is passed on for the call, which then runs on that provider only; once a key is required it is
 * refused, so pass-through never stands in for a gateway key.
 *
 * Throws a refusal at once; returns the admission (the key's requests per minute, its budget) to wait for, if any.
 */
export function authenticate(context: RequestContext, services: GatewayServices): Promise<void> | undefined {
  const registry = services.keys;
  const secret = bearer(context.request.headers.authorization);
  const passThrough = secret === undefined ? undefined : services.engine.passThroughProvider(secret);
  if (!services.auth.requiresKey(registry.size)) {
    if (passThrough !== undefined) context.credentials = { [passThrough]: secret as string };
    return undefined;
  }
  if (passThrough !== undefined) {
    throw new InfermuxError({
      code: 'auth_missing_credentials',
      message: `Missing gateway key: this gateway needs "Authorization: Bearer <gateway key>". The bearer token is a ${passThrough} token, which is passed on only while the gateway asks for no key.`,
    });
  }
  if (!secret) {
    throw new InfermuxError({
      code: 'auth_missing_credentials',
      message:
        'Missing gateway key: send "Authorization: Bearer <gateway key>" (create one with `infermux keys create`).',
    });
  }
  const key = registry.find(secret);
  if (!key) {
    throw new InfermuxError({ code: 'auth_invalid_credentials', message: 'Invalid or revoked gateway key.' });
  }
  context.key = key;
  if (
    key.allowedRoutes &&
    !key.allowedRoutes.some((route) => route === context.endpoint || context.path.startsWith(route))
  ) {
    throw new InfermuxError({
      code: 'auth_forbidden',
      message: `Gateway key "${key.name}" may not call ${context.endpoint}; allowed: ${key.allowedRoutes.join(', ')}.`,
      details: { field: 'path' },
    });
  }
  // Undefined when there is nothing to admit: the caller then goes on without waiting a microtask turn.
  return services.admission.admitsFreely(key) ? undefined : services.admission.admit(key);
}

/**
 * Books the requested model on the request (the ledger's model until a call reports the one it resolved, so a
 * request refused or failed before that still has it) and checks it against the key's allowed models (see
 * `allowedModelAdmits` for the forms an entry takes).
 */
export function admitModel(context: RequestContext, model: string): void {
  context.model = ledgerModel(model);
  const key = context.key;
  if (!key?.allowedModels) return;
  if (key.allowedModels.some((entry) => allowedModelAdmits(entry, model))) return;
  throw new InfermuxError({
    code: 'auth_forbidden',
    message: `Gateway key "${key.name}" may not use model "${model}"; allowed: ${key.allowedModels.join(', ')}.`,
    details: { field: 'model' },
  });
}

/** Admin endpoints: the token from `server.adminTokenEnv`, compared in constant time. */
export function authenticateAdmin(
  context: RequestContext,
  services: GatewayServices,
  equal: (a: string, b: string) => boolean,
): void {
  if (!services.adminToken) {
    throw new InfermuxError({
      code: 'auth_forbidden',
      message: `The admin API is off: set the env variable ${services.settings.adminTokenEnv} to enable it.`,
    });
  }
  const secret = bearer(context.request.headers.authorization);
  if (!secret)
    throw new InfermuxError({
      code: 'auth_missing_credentials',
      message: 'Missing admin token: send "Authorization: Bearer <admin token>".',
    });
  if (!equal(secret, services.adminToken))
    throw new InfermuxError({ code: 'auth_invalid_credentials', message: 'Invalid admin token.' });
}

/**
 * Names with no provider, revision or variant to take apart (`bench-chat`, `org/name`): parsed, they come back as
 * given (or fail, and are booked as given), so the parse is skipped on the common request.
 */
const plainName = /^[\w./-]{0,512}$/;

/** A model as answered calls book it (`org/name@rev`, without the provider prefix); a route name or an invalid reference as given. */
export function ledgerModel(model: string): string {
  if (plainName.test(model)) return model;
  try {
    return formatModelRef(parseModelRef(model), { provider: false });
  } catch {
    return model.slice(0, 512);
  }
}
