import { InfermuxError } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import type { RequestContext } from '../http/request-context';

/** What /openapi.json says about an endpoint of the wire format that the gateway deliberately refuses. */
export interface Unsupported {
  /** Methods that do work on this path (the `Allow` header; empty when none do). */
  allow: readonly string[];
  reason: string;
}

export type UnsupportedEndpoint = Endpoint & { unsupported: Unsupported };

export function unsupportedOf(endpoint: Endpoint): Unsupported | undefined {
  return (endpoint as Partial<UnsupportedEndpoint>).unsupported;
}

/**
 * An endpoint a client library calls that the gateway cannot honour: 405 with `Allow` (RFC 9110:
 * the method is known, this resource does not support it; an empty `Allow` is a resource that allows none),
 * in the route's wire format, with why and what to do instead — not a generic "unknown route".
 */
export function unsupportedEndpoint(options: {
  method: Endpoint['method'];
  path: string;
  format: Endpoint['format'];
  allow: readonly string[];
  /** Why, in one sentence; shown in the docs and the OpenAPI document. */
  reason: string;
  /** The error message; `check` may validate the request first (e.g. a 404 for an id that is not one). */
  message: string;
  check?: (context: RequestContext) => void;
}): UnsupportedEndpoint {
  return {
    method: options.method,
    path: options.path,
    format: options.format,
    auth: 'key',
    summary: `Not supported by this gateway (405): ${options.reason}`,
    unsupported: { allow: options.allow, reason: options.reason },
    handle(context) {
      options.check?.(context);
      context.response.setHeader('allow', options.allow.join(', '));
      throw new InfermuxError({ code: 'caller_unsupported', status: 405, message: options.message });
    },
  };
}
