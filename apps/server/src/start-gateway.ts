import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeLedgerLocation,
  type InfermuxConfig,
  InfermuxError,
  loadConfig,
  type ProviderFactory,
  parseConfig,
  registerSecret,
  resolveLedgerLocation,
} from '@infermux/core';
import type { DestinationStream } from 'pino';
import { createGatewayEngine, type GatewayEngine } from './engine/gateway-engine';
import { createGatewayHandler } from './gateway-handler';
import { createGatewayLogger } from './gateway-logger';
import type { Endpoint, GatewayServices } from './gateway-services';
import { EndpointTable } from './http/endpoint-table';
import { InFlightList } from './http/in-flight-list';
import type { RequestContext } from './http/request-context';
import { KeyRegistry } from './keys/key-registry';
import { KeyStore } from './keys/key-store';
import { openDatabase } from './ledger/open-database';
import { UsageLedger } from './ledger/usage-ledger';
import { BudgetTracker } from './limits/budget-tracker';
import { KeyLimiter } from './limits/key-limiter';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { defaultProviderFactories } from './provider-factories';
import { apiReferenceEndpoints } from './routes/api-reference';
import { apiEndpoints } from './routes/endpoints';
import { buildOpenApi, openApiEndpoint } from './routes/openapi';
import { serverSettings } from './server-settings';

export interface StartGatewayOptions {
  /** A config object (validated here) or nothing to read `configPath` / the nearest config file. */
  config?: InfermuxConfig | Record<string, unknown>;
  configPath?: string;
  /** Overrides `server.port` (0 = any free port). */
  port?: number;
  /** Overrides `server.host`. */
  host?: string;
  env?: Record<string, string | undefined>;
  /** Provider factories; `defaultProviderFactories` unless a test or an embedder brings its own. */
  factories?: readonly ProviderFactory[];
  /** Where JSON logs go (stdout by default). */
  logDestination?: DestinationStream;
}

export interface RunningGateway {
  url: string;
  port: number;
  host: string;
  /** Stops accepting, drains in-flight requests and streams up to `server.shutdown.drainMs`, flushes the ledger. */
  close(): Promise<void>;
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const config = parseConfig(
    options.config ?? loadConfig({ file: options.configPath }).config,
    options.configPath ?? 'config',
  );
  const settings = serverSettings(config);
  const logger = createGatewayLogger(settings.logging.level, options.logDestination);
  const adminToken = env[settings.adminTokenEnv] || undefined;
  registerSecret(adminToken);

  const ledgerLocation = resolveLedgerLocation({ configured: settings.ledger.path, env });
  const database = openDatabase(ledgerLocation.path);
  // An upgrade keeps the ledger an earlier version left in ./.infermux/, and says where the default now is.
  if (ledgerLocation.source === 'working-directory')
    logger.warn({ ledger: ledgerLocation.path }, describeLedgerLocation(ledgerLocation, env));
  const keyStore = new KeyStore(database);
  let engine: GatewayEngine;
  let keys: KeyRegistry;
  try {
    engine = createGatewayEngine(config, options.factories ?? defaultProviderFactories, env);
    keys = new KeyRegistry(keyStore, database, settings, env);
  } catch (error) {
    database.close();
    throw error;
  }
  const ledger = new UsageLedger(database, settings.ledger.flushIntervalMs);
  ledger.onError = (error, dropped) =>
    logger.error(
      { err: error, pending: ledger.pending, dropped },
      'usage ledger write failed; rows kept for the next attempt',
    );
  const inFlight = new InFlightList<RequestContext>();
  const metrics = new GatewayMetrics({
    inFlight: () => inFlight.size,
    breakerStates: () =>
      engine.client
        .health()
        .targets.map((target) => ({ provider: target.provider, model: target.model, state: target.breaker })),
  });
  // Core's routing events feed the per-attempt and per-decision metrics.
  engine.client.on((event) => {
    if (event.type === 'attempt-end') metrics.attempt(event.provider, event.errorCode ?? 'ok');
    else if (
      event.type === 'retry-scheduled' ||
      event.type === 'breaker-open' ||
      event.type === 'breaker-half-open' ||
      event.type === 'breaker-close'
    )
      metrics.routingEvent(event.type, event.provider);
    else if (event.type === 'failover') metrics.routingEvent(event.type, event.from.provider);
    else if (event.type === 'rate-limit-wait') metrics.routingEvent(event.type, event.provider);
  });
  const services: GatewayServices = {
    engine,
    settings,
    keys,
    keyStore,
    limiter: new KeyLimiter(settings.limits),
    budgets: new BudgetTracker(ledger, settings.limits.budget),
    ledger,
    metrics,
    logger,
    adminToken,
    startedAt: Date.now(),
    draining: false,
    storageReachable: () => {
      try {
        database.prepare('SELECT 1').get();
        return true;
      } catch {
        return false;
      }
    },
  };

  const endpointTable = new EndpointTable<Endpoint>();
  let openApiText: string | undefined;
  const endpoints: Endpoint[] = [
    ...apiEndpoints,
    openApiEndpoint(() => (openApiText ??= JSON.stringify(buildOpenApi(endpoints)))),
  ];
  endpoints.push(...apiReferenceEndpoints(endpoints));
  for (const endpoint of endpoints) endpointTable.add(endpoint.method, endpoint.path, endpoint);

  const server = createServer({ keepAlive: true }, createGatewayHandler(services, endpointTable, inFlight));
  server.headersTimeout = settings.timeouts.headersMs;
  server.requestTimeout = Math.max(settings.timeouts.headersMs, 300_000);
  server.keepAliveTimeout = settings.timeouts.keepAliveMs;

  let host = options.host ?? settings.host;
  if (keys.size === 0 && !loopbackHosts.has(host)) {
    logger.warn(
      { requestedHost: host },
      `no gateway keys are configured, so the gateway binds to 127.0.0.1 only instead of ${host}; create a key (infermux keys create) to serve other hosts`,
    );
    host = '127.0.0.1';
  }
  const port = options.port ?? settings.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      database.close();
      reject(
        new InfermuxError({
          code: 'caller_invalid_input',
          message: `Cannot listen on ${host}:${port}: ${error.message}`,
          details: { field: 'server.port' },
          cause: error,
        }),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info(
    {
      url,
      providers: engine.providerNames,
      skippedProviders: engine.skippedProviders.length ? engine.skippedProviders : undefined,
      routes: engine.routeNames.length,
      keys: keys.size,
      ledger: ledgerLocation.path,
      adminApi: adminToken ? 'on' : `off (set ${settings.adminTokenEnv})`,
    },
    keys.size === 0
      ? `infermux gateway listening on ${url} (bound to 127.0.0.1 because no gateway keys are configured; requests need no key)`
      : `infermux gateway listening on ${url}`,
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      services.draining = true;
      const deadline = Date.now() + settings.shutdown.drainMs;
      logger.info(
        { inFlight: inFlight.size, drainMs: settings.shutdown.drainMs },
        'shutting down: no new connections, draining in-flight requests',
      );
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      while (inFlight.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        server.closeIdleConnections();
      }
      if (inFlight.size > 0) {
        logger.warn({ inFlight: inFlight.size }, 'drain deadline passed: cutting the remaining requests');
        for (const context of [...inFlight]) context.abort.abort('shutdown');
        const cutDeadline = Date.now() + 1000;
        while (inFlight.size > 0 && Date.now() < cutDeadline) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      server.closeAllConnections();
      await closed;
      ledger.flush();
      database.close();
      logger.info('gateway stopped; ledger flushed');
      logger.flush?.();
    })());
  return { url, port: address.port, host: address.address, close };
}
