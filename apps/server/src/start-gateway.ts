import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  describeLedgerLocation,
  formatModelRef,
  type InfermuxConfig,
  InfermuxError,
  type InfermuxEventType,
  loadConfig,
  type ProviderFactory,
  parseConfig,
  parseModelRef,
  registerSecret,
} from '@infermux/core';
import type { DestinationStream, Logger } from 'pino';
import { createGatewayEngine, type GatewayEngine } from './engine/gateway-engine';
import { GatewayModelList } from './engine/model-list';
import { createGatewayHandler } from './gateway-handler';
import { createGatewayLogger } from './gateway-logger';
import type { Endpoint, GatewayServices } from './gateway-services';
import { type GatewayStorage, openGatewayStorage } from './gateway-storage';
import { CorsPolicy } from './http/cors';
import { EndpointTable } from './http/endpoint-table';
import { InFlightList } from './http/in-flight-list';
import type { RequestContext } from './http/request-context';
import { AuthPolicy } from './keys/auth-policy';
import { KeyRegistry } from './keys/key-registry';
import { UsageLedger } from './ledger/usage-ledger';
import { InMemoryAdmissionStore } from './limits/in-memory-admission-store';
import { KeyAdmission } from './limits/key-admission';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { defaultProviderFactories } from './provider-factories';
import { apiReferenceEndpoints } from './routes/api-reference';
import { apiEndpoints } from './routes/endpoints';
import { buildOpenApi, openApiEndpoint } from './routes/openapi';
import { serverSettings } from './server-settings';
import type { SharedState } from './state/shared-state';
import { missingCredentialsAdvice } from './wire/caller-message';

/** The routing events the metrics count (the listener in `startGateway`). */
const countedEvents: readonly InfermuxEventType[] = [
  'attempt-end',
  'retry-scheduled',
  'breaker-open',
  'breaker-half-open',
  'breaker-close',
  'failover',
  'rate-limit-wait',
];

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

export async function startGateway(options: StartGatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const config = parseConfig(
    options.config ?? loadConfig({ file: options.configPath }).config,
    options.configPath ?? 'config',
  );
  const configured = serverSettings(config);
  const logger = createGatewayLogger(configured.logging.level, options.logDestination);
  const storage: GatewayStorage = await openGatewayStorage({
    settings: configured,
    env,
    onError: (error) => logger.error({ err: error }, 'PostgreSQL connection error'),
  });
  const ledgerLocation = storage.location;
  const ledgerName = 'kind' in ledgerLocation ? ledgerLocation.display : ledgerLocation.path;
  // From here on the settings carry the ledger actually used (messages name it).
  const settings = { ...configured, ledger: { ...configured.ledger, path: ledgerName } };
  const adminToken = env[settings.adminTokenEnv] || undefined;
  registerSecret(adminToken);

  const inFlight = new InFlightList<RequestContext>();
  let engine: GatewayEngine | undefined;
  const metrics = new GatewayMetrics({
    inFlight: () => inFlight.size,
    // Route targets as configured and as core reports them (without the provider prefix).
    configuredModels: new Set(
      Object.values(config.routes ?? {}).flatMap((route) =>
        route.targets.flatMap((target) => [
          target.model,
          formatModelRef(parseModelRef(target.model), { provider: false }),
        ]),
      ),
    ),
    breakerStates: () =>
      (engine?.client.health().targets ?? []).map((target) => ({
        provider: target.provider,
        model: target.model,
        state: target.breaker,
      })),
  });
  // Shared with other replicas when Redis is configured; ioredis is loaded only then.
  const redisUrl = settings.state.redis ?? (env.REDIS_URL || undefined);
  let shared: SharedState | undefined;
  if (redisUrl) {
    const { connectSharedState } = await import('./state/shared-state');
    const cache = config.cache;
    shared = await connectSharedState(
      redisUrl,
      settings.state,
      (typeof cache === 'object' ? cache.maxEntries : undefined) ?? 1_000,
      logger,
      metrics,
    );
  }

  // An upgrade keeps the ledger an earlier version left in ./.infermux/, and says where the default now is.
  if (!('kind' in ledgerLocation) && ledgerLocation.source === 'working-directory')
    logger.warn({ ledger: ledgerName }, describeLedgerLocation(ledgerLocation, env));
  let keys: KeyRegistry;
  let watching: KeyRegistry | undefined;
  let auth: AuthPolicy;
  const host = options.host ?? settings.host;
  try {
    engine = createGatewayEngine(config, options.factories ?? defaultProviderFactories, env, shared?.clientOverrides);
    keys = new KeyRegistry(storage.keys, settings, env);
    watching = keys;
    await keys.start((error) =>
      logger.error({ err: error }, 'reloading the gateway keys failed; the previous keys stay'),
    );
    auth = AuthPolicy.forBind(settings, host, keys.size);
  } catch (error) {
    await watching?.stop();
    await storage.close();
    shared?.close();
    throw error;
  }
  const ledger = new UsageLedger(storage.ledger, settings.ledger.flushIntervalMs);
  ledger.onError = (error, dropped) =>
    logger.error(
      { err: error, pending: ledger.pending, dropped },
      'usage ledger write failed; rows kept for the next attempt',
    );
  // Core's routing events feed the per-attempt and per-decision metrics; only those are asked for, so core
  // builds no attempt-start or request-end event per request.
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
  }, countedEvents);
  const startedAt = Date.now();
  const services: GatewayServices = {
    engine,
    models: new GatewayModelList({
      routes: config.routes ?? {},
      providers: engine.client.providers.list(),
      startedAt,
      logger,
    }),
    settings,
    keys,
    auth,
    cors: settings.cors ? new CorsPolicy(settings.cors) : undefined,
    keyStore: storage.keys,
    admission: new KeyAdmission(shared?.admissionStore ?? new InMemoryAdmissionStore(), settings.limits, ledger),
    publishRevocation: shared ? shared.shareRevocations(keys) : () => undefined,
    ledger,
    metrics,
    logger,
    adminToken,
    startedAt,
    draining: false,
    storageReachable: () => storage.reachable(),
  };

  const endpointTable = new EndpointTable<Endpoint>();
  let openApiText: string | undefined;
  const endpoints: Endpoint[] = [
    ...apiEndpoints,
    openApiEndpoint(() => (openApiText ??= JSON.stringify(buildOpenApi(endpoints)))),
  ];
  endpoints.push(...apiReferenceEndpoints(endpoints));
  for (const endpoint of endpoints) endpointTable.add(endpoint.method, endpoint.path, endpoint);

  const { timeouts, connections } = settings;
  const server = createServer(
    {
      keepAlive: true,
      // Node checks the header and request timeouts on this interval (30 s by default, which let slow
      // headers live ~57 s): once a second keeps them near their settings.
      connectionsCheckingInterval: 1000,
    },
    createGatewayHandler(services, endpointTable, inFlight),
  );
  server.headersTimeout = timeouts.headersMs;
  // A backstop for a body nobody reads: headers + body time (each handler's read has its own `bodyMs` timer).
  server.requestTimeout = timeouts.headersMs + timeouts.bodyMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.maxConnections = connections.max;
  server.maxRequestsPerSocket = connections.maxRequestsPerSocket;

  const port = options.port ?? settings.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => {
      void keys.stop().then(() => storage.close());
      shared?.close();
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
      ledger: ledgerName,
      adminApi: adminToken ? 'on' : `off (set ${settings.adminTokenEnv})`,
    },
    auth.requiresKey(keys.size)
      ? `infermux gateway listening on ${url}`
      : `infermux gateway listening on ${url} (requests need no key: ${auth.mode === 'none' ? 'server.auth is "none"' : 'loopback and no gateway key exists yet'})`,
  );

  warnMissingCredentials(engine, logger);

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
      await ledger.flush();
      await keys.stop();
      await storage.close();
      shared?.close();
      logger.info('gateway stopped; ledger flushed');
      logger.flush?.();
    })());
  return { url, port: address.port, host: address.address, close };
}

/**
 * Once per provider whose calls need a key and have none: what to set (the env variable, never a value),
 * so a gateway started without `HF_TOKEN` says so instead of failing each call later.
 */
function warnMissingCredentials(engine: GatewayEngine, logger: Logger): void {
  for (const [provider, state] of Object.entries(engine.credentials())) {
    if (state.status !== 'missing') continue;
    const callers = engine.passThrough.has(provider)
      ? `only calls bringing their own token (Bearer ${engine.passThrough.get(provider)}…) work until then`
      : 'its calls fail until then';
    logger.warn(
      { provider, env: state.env },
      `provider "${provider}" has no credentials: ${missingCredentialsAdvice(provider, state.env)}; ${callers}`,
    );
  }
}
