import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from '@infermux/core';

/**
 * Response headers a page may read beyond the CORS-safelisted ones: the request id, the gateway's time,
 * the typed error code and the retry hints an SDK acts on.
 */
const EXPOSED_HEADERS = [
  'x-request-id',
  'x-infermux-overhead-ms',
  'x-infermux-error-code',
  'x-infermux-unsupported',
  'x-should-retry',
  'retry-after',
].join(', ');

/** A header-name list as browsers send it in `Access-Control-Request-Headers` (anything else is not echoed). */
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:[ \t]*,[ \t]*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * `server.cors` as the gateway applies it (the Fetch standard's CORS protocol): a preflight gets the
 * allowed methods, headers and max age; every actual response to an allowed origin — errors and SSE streams
 * included, since the headers are set before any handler runs — gets `Access-Control-Allow-Origin`.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string> | '*';
  private readonly allowedHeaders: string | undefined;
  private readonly maxAge: string;
  /** A list answers per origin, so caches must key on it; `*` answers every origin alike. */
  private readonly variesByOrigin: boolean;

  constructor(private readonly config: CorsConfig) {
    this.origins = config.origins === '*' ? '*' : new Set(config.origins);
    this.allowedHeaders = config.allowedHeaders?.join(', ');
    this.maxAge = String(config.maxAgeSeconds);
    this.variesByOrigin = this.origins !== '*';
  }

  /** The `Access-Control-Allow-Origin` value for this origin, or undefined when it is not allowed. */
  private allowOrigin(origin: string | undefined): string | undefined {
    if (origin === undefined) return undefined;
    if (this.origins === '*') return this.config.credentials ? origin : '*';
    return this.origins.has(origin) ? origin : undefined;
  }

  /** Headers of an actual (non-preflight) response; set before the handler so every answer carries them. */
  applyToResponse(request: IncomingMessage, response: ServerResponse): void {
    if (this.variesByOrigin) response.setHeader('vary', 'origin');
    const allowed = this.allowOrigin(request.headers.origin);
    if (allowed === undefined) return;
    response.setHeader('access-control-allow-origin', allowed);
    if (this.config.credentials) response.setHeader('access-control-allow-credentials', 'true');
    response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
  }

  /** The CORS headers of a preflight answer, `methods` as in `Allow` (none when the origin is not allowed: the browser refuses). */
  preflightHeaders(request: IncomingMessage, methods: string): Record<string, string> {
    const headers: Record<string, string> = {
      vary: 'origin, access-control-request-method, access-control-request-headers',
    };
    const allowed = this.allowOrigin(request.headers.origin);
    if (allowed === undefined) return headers;
    headers['access-control-allow-origin'] = allowed;
    if (this.config.credentials) headers['access-control-allow-credentials'] = 'true';
    headers['access-control-allow-methods'] = methods;
    const requested = request.headers['access-control-request-headers'];
    const allowHeaders = this.allowedHeaders ?? (requested && HEADER_LIST.test(requested) ? requested : undefined);
    if (allowHeaders) headers['access-control-allow-headers'] = allowHeaders;
    headers['access-control-max-age'] = this.maxAge;
    return headers;
  }
}

/** A CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: IncomingMessage): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}
