import type { Endpoint } from '../gateway-services';
import { sendBody, sendJson } from '../http/respond';

export const healthEndpoint: Endpoint = {
  method: 'GET',
  path: '/healthz',
  format: 'native',
  auth: 'none',
  summary: 'Liveness: the process answers.',
  handle(context) {
    sendJson(context, 200, { status: 'ok' });
  },
};

/**
 * Ready when the gateway can serve a request: providers built, storage reachable, not draining, and at least
 * one provider with its key set, needing none, or passing on its callers' tokens (`checks.credentials`). Each provider's state is listed, so
 * a provider without its key shows as `missing` even while another keeps the gateway ready.
 */
export const readyEndpoint: Endpoint = {
  method: 'GET',
  path: '/readyz',
  format: 'native',
  auth: 'none',
  summary:
    "Readiness: providers configured, at least one of them with credentials (or needing none), storage reachable, not draining; each provider's credential state.",
  async handle(context, services) {
    // `caller`: no key of the gateway's own, but callers' tokens are passed on (`passThrough`), so it can serve them.
    const { engine } = services;
    const credentials = Object.fromEntries(
      Object.entries(engine.credentials()).map(([provider, state]) => [
        provider,
        state.status === 'missing' && engine.passThrough.has(provider) ? 'caller' : state.status,
      ]),
    );
    const checks = {
      providers: services.engine.providerNames.length > 0,
      credentials: Object.values(credentials).some((status) => status !== 'missing'),
      storage: await services.storageReachable(),
      accepting: !services.draining,
    };
    const ready = checks.providers && checks.credentials && checks.storage && checks.accepting;
    sendJson(context, ready ? 200 : 503, {
      status: ready ? 'ready' : 'not ready',
      checks,
      providers: services.engine.providerNames,
      credentials,
    });
  },
};

export const metricsEndpoint: Endpoint = {
  method: 'GET',
  path: '/metrics',
  format: 'native',
  auth: 'none',
  summary: 'Prometheus metrics.',
  async handle(context, services) {
    sendBody(context, 200, await services.metrics.render(), services.metrics.contentType);
  },
};
