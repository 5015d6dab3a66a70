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

export const readyEndpoint: Endpoint = {
  method: 'GET',
  path: '/readyz',
  format: 'native',
  auth: 'none',
  summary: 'Readiness: providers configured, storage reachable, not draining.',
  async handle(context, services) {
    const checks = {
      providers: services.engine.providerNames.length > 0,
      storage: await services.storageReachable(),
      accepting: !services.draining,
    };
    const ready = checks.providers && checks.storage && checks.accepting;
    sendJson(context, ready ? 200 : 503, {
      status: ready ? 'ready' : 'not ready',
      checks,
      providers: services.engine.providerNames,
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
