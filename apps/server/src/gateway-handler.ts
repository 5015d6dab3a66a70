import type { IncomingMessage, ServerResponse } from 'node:http';
import { InfermuxError } from '@infermux/core';
import type { Endpoint, GatewayServices } from './gateway-services';
import { giveBackController } from './http/connection-controller';
import { isPreflight } from './http/cors';
import type { EndpointTable } from './http/endpoint-table';
import type { InFlightList } from './http/in-flight-list';
import { setBodyTimeout } from './http/read-body';
import { RequestContext } from './http/request-context';
import { requestIdFrom } from './http/request-id';
import { sendError } from './http/respond';
import { shutdownError } from './http/shutdown-error';
import { authenticate } from './keys/authenticate';
import type { LedgerRow } from './ledger/ledger-row';
import { unsupportedOf } from './routes/unsupported-endpoint';
import type { ApiDialect } from './wire/api-dialect';

/** Unmatched paths still answer in the format their prefix suggests. */
function formatForPath(path: string): ApiDialect {
  if (path.startsWith('/v1/')) return 'openai';
  if (path.startsWith('/models/') || path.startsWith('/hf-inference/')) return 'hf';
  return 'native';
}

/** The status the ledger and metrics book: what was sent, an in-band failure's, 499 when nothing was sent. */
function finalStatus(context: RequestContext): number {
  if (context.status === 0) return context.error?.code === 'gateway_shutdown' ? 503 : 499;
  return context.error && context.status === 200 ? context.error.status : context.status;
}

function ledgerRow(context: RequestContext, status: number, latencyMs: number, overheadMs: number): LedgerRow {
  const key = context.key;
  return {
    requestId: context.id,
    ts: context.startedAtMs,
    keyId: key?.id,
    keyName: key?.name,
    endpoint: context.endpoint,
    route: context.route,
    task: context.task,
    provider: context.provider,
    model: context.model,
    attempts: context.attempts,
    usage: context.usage,
    cost: context.cost?.amount,
    currency: context.cost?.currency,
    costSource: context.cost === null ? 'unknown' : context.cost?.source,
    status,
    errorCode: context.error?.code,
    latencyMs,
    overheadMs,
    streamed: context.streamed,
    cached: context.cached,
  };
}

/**
 * What an answered call nothing priced counts against its key's budget: the configured ceiling under
 * `admission.unknownCost: estimate`, else 0 (the ledger still shows the cost as unknown).
 */
function unknownCostCharge(context: RequestContext, services: GatewayServices): number {
  const { unknownCost, unknownCostCeiling } = services.settings.admission;
  return context.cost === null && unknownCost === 'estimate' ? (unknownCostCeiling ?? 0) : 0;
}

/**
 * `ledger.commit: before-response`: the row is committed (group commit) before the response's last bytes
 * go out, so an answered request always has its row, even if the process is killed right after.
 */
function commitBeforeEnd(context: RequestContext, services: GatewayServices): Promise<void> {
  context.rowRecorded = true;
  const row = ledgerRow(
    context,
    finalStatus(context),
    context.elapsedMs(),
    context.overheadMs ?? context.currentOverheadMs(),
  );
  return services.ledger.recordCommitted(row);
}

/** Writes the ledger row and metrics once the response is over (finished or cut). */
function finish(context: RequestContext, services: GatewayServices, endpoint: Endpoint | undefined): void {
  context.clearDeadline();
  if (!context.response.writableFinished && context.abort.signal.reason === 'shutdown') {
    context.error = shutdownError();
  } else if (!context.response.writableFinished && !context.error) {
    context.error = new InfermuxError({
      code: 'caller_aborted',
      message: 'The caller closed the connection before the response ended.',
    });
  }
  if (!context.response.writableFinished) context.abort.abort('caller-gone');
  const status = finalStatus(context);
  const latencyMs = context.elapsedMs();
  const overheadMs = context.overheadMs ?? context.currentOverheadMs();
  const usage = context.usage;
  const provider = context.provider ?? '';
  const errorCode = context.error?.code ?? '';
  if (endpoint?.auth === 'key') {
    const key = context.key;
    const cost = context.cost?.amount;
    // A key that meters nothing has nothing to settle (the common case).
    if (key && services.admission.meters(key)) {
      const tokens = (usage?.totalTokens ?? (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0)) || 0;
      const actual = { tokens, cost: cost ?? unknownCostCharge(context, services) };
      const settled = context.reservation
        ? services.admission.settle(context.reservation, actual)
        : services.admission.charge(key, actual);
      // A submitted job's cost comes later: its quote (the submission's cost) stays held until it settles.
      if (context.heldJob) services.admission.jobs.hold(context.heldJob, key, actual.cost);
      settled.catch((error: unknown) =>
        services.logger.error({ requestId: context.id, err: error }, 'settling the reservation failed'),
      );
    }
    // With `commit: before-response` the row went in before the response's last bytes (see `commitBeforeEnd`).
    if (!context.rowRecorded) services.ledger.record(ledgerRow(context, status, latencyMs, overheadMs));
  }
  const routeLabel =
    context.route && services.engine.isRoute(context.route) ? context.route : context.route ? '(direct)' : '';
  services.metrics.observe({
    endpoint: context.endpoint,
    route: routeLabel,
    provider,
    status,
    errorCode,
    latencySeconds: latencyMs / 1000,
    overheadSeconds: overheadMs / 1000,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    cost: context.cost?.amount,
    currency: context.cost?.currency,
    costUnknown: context.cost === null,
    cached: context.cached,
    task: context.task ?? '',
  });
  if (status >= 500 && status !== 503) {
    services.logger.warn(
      {
        requestId: context.id,
        endpoint: context.endpoint,
        status,
        code: errorCode,
        provider,
        error: context.error?.message,
      },
      'request failed',
    );
  } else if (services.settings.logging.requests) {
    services.logger.info(
      {
        requestId: context.id,
        method: context.request.method,
        endpoint: context.endpoint,
        status,
        code: errorCode || undefined,
        provider: provider || undefined,
        latencyMs,
        overheadMs,
      },
      'request',
    );
  }
}

/** The methods that work on a path (`Allow`): endpoints that only explain a refusal are not among them. */
function allowedMethods(endpointTable: EndpointTable<Endpoint>, path: string): string {
  return endpointTable.methodsFor(path, (endpoint) => unsupportedOf(endpoint) === undefined).join(', ');
}

/**
 * `OPTIONS` on a path the gateway serves: 204 with `Allow` and, for a CORS preflight, the CORS answer. It is
 * answered before authentication (a browser's preflight never carries credentials) and is no API call: no
 * ledger row, no metrics. False for an unknown path (the usual 404 follows).
 */
function answerOptions(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  services: GatewayServices,
  endpointTable: EndpointTable<Endpoint>,
): boolean {
  if (!endpointTable.hasPath(path)) return false;
  const allow = allowedMethods(endpointTable, path);
  const cors = services.cors && isPreflight(request) ? services.cors.preflightHeaders(request, allow) : undefined;
  response.writeHead(204, {
    allow,
    'x-request-id': requestIdFrom(request.headers['x-request-id']),
    ...(services.draining ? { connection: 'close' } : {}),
    ...cors,
  });
  response.end();
  return true;
}

/** The one request listener: route, authenticate, handle, account. */
export function createGatewayHandler(
  services: GatewayServices,
  endpointTable: EndpointTable<Endpoint>,
  inFlight: InFlightList<RequestContext>,
) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    const path = queryStart === -1 ? url : url.slice(0, queryStart);
    const method = request.method ?? 'GET';
    if (method === 'OPTIONS' && answerOptions(request, response, path, services, endpointTable)) return;
    const match = endpointTable.match(method, path);
    const endpoint = match?.value;
    const context = new RequestContext(
      request,
      response,
      requestIdFrom(request.headers['x-request-id']),
      path,
      endpoint?.path ?? '(unmatched)',
      endpoint?.format ?? formatForPath(path),
    );
    if (match) context.params = match.params;
    if (queryStart !== -1) context.query = new URLSearchParams(url.slice(queryStart + 1));
    const leave = inFlight.add(context);
    response.once('close', () => {
      leave();
      try {
        finish(context, services, endpoint);
      } catch (error) {
        // Accounting must never take the process down with it.
        services.logger.error({ requestId: context.id, err: error }, 'request accounting failed');
      }
      giveBackController(request.socket, context.abort);
    });
    if (services.draining) response.setHeader('connection', 'close');
    services.cors?.applyToResponse(request, response);
    if (endpoint?.auth === 'key' && services.settings.ledger.commit === 'before-response')
      context.beforeEnd = () => commitBeforeEnd(context, services);
    context.setDeadline(services.settings.timeouts.requestMs);
    setBodyTimeout(request, services.settings.timeouts.bodyMs);
    void dispatch(context, services, endpoint, endpointTable);
  };
}

async function dispatch(
  context: RequestContext,
  services: GatewayServices,
  endpoint: Endpoint | undefined,
  endpointTable: EndpointTable<Endpoint>,
): Promise<void> {
  try {
    if (!endpoint) {
      const known = endpointTable.hasPath(context.path);
      // RFC 9110, section 15.5.6: a 405 lists what does work on the resource.
      if (known) context.response.setHeader('allow', allowedMethods(endpointTable, context.path));
      throw new InfermuxError({
        code: 'gateway_not_found',
        status: known ? 405 : 404,
        message: known
          ? `${context.request.method} is not allowed on ${context.path}.`
          : `No such endpoint: ${context.request.method} ${context.path}. See /docs.`,
      });
    }
    if (services.draining && endpoint.auth !== 'none') {
      throw new InfermuxError({
        code: 'provider_unavailable',
        message: 'The gateway is shutting down; retry on another instance.',
        retryAfterMs: 1000,
      });
    }
    if (endpoint.auth === 'key') {
      const admitting = authenticate(context, services);
      if (admitting) await admitting;
    }
    await endpoint.handle(context, services);
  } catch (error) {
    if (!context.response.headersSent) {
      // Drain what is left of a refused body so the connection can be reused (or closed cleanly).
      if (!context.request.complete) context.response.setHeader('connection', 'close');
      sendError(context, error);
      if (!InfermuxError.isInstance(error))
        services.logger.error({ requestId: context.id, err: error }, 'unhandled error in handler');
    } else {
      context.error =
        context.abort.signal.reason === 'shutdown'
          ? shutdownError()
          : InfermuxError.from(error, { code: 'gateway_internal' });
      context.response.destroy();
    }
  }
}
