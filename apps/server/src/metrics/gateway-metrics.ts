import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { BoundedLabels, foldBreakerStates } from './bounded-labels';
import { DeferredCounter } from './deferred-counter';
import { type HistogramSeries, PlainHistogram } from './plain-histogram';

/** Breaker state as a number: 0 closed, 1 half-open, 2 open. */
export const breakerStateValue: Record<string, number> = { closed: 0, 'half-open': 1, half_open: 1, open: 2 };

export interface RequestObservation {
  endpoint: string;
  route: string;
  provider: string;
  status: number;
  errorCode: string;
  latencySeconds: number;
  overheadSeconds: number;
  inputTokens?: number;
  outputTokens?: number;
  cost?: number;
  currency?: string;
  /** Answered, but nothing priced it: counted apart, never as a cost of 0. */
  costUnknown?: boolean;
  cached: boolean;
  task: string;
}

/**
 * The gateway's Prometheus metrics, on a registry of its own (two gateways in one
 * process do not share counters). Counters are summed in plain numbers and handed to
 * prom-client at scrape time (DeferredCounter), histograms are plain numbers (PlainHistogram):
 * prom-client's own update path costs ~1 µs per call, and a request makes several.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: DeferredCounter<'endpoint' | 'route' | 'provider' | 'status' | 'error_code'>;
  private readonly attempts: DeferredCounter<'provider' | 'outcome'>;
  private readonly duration: PlainHistogram;
  private readonly overhead: PlainHistogram;
  private readonly tokens: DeferredCounter<'provider' | 'direction'>;
  private readonly cost: DeferredCounter<'provider' | 'currency'>;
  private readonly costUnknown: DeferredCounter<'provider'>;
  private readonly cacheHits: DeferredCounter<'task'>;
  private readonly routingEvents: DeferredCounter<'type' | 'provider'>;
  private readonly stateTransitions: DeferredCounter<'available'>;
  private readonly stateFallbacks: DeferredCounter<'concern' | 'outcome'>;
  private readonly stateRoundTrips: DeferredCounter<never>;
  /** Shared state (Redis) reachable: 1, unreachable: 0; absent without `state.redis`. */
  private stateAvailable: Gauge | undefined;
  /** Histogram series by endpoint (the only histogram label). */
  private readonly histograms = new Map<
    string,
    { duration: HistogramSeries | undefined; overhead: HistogramSeries | undefined }
  >();

  constructor(
    options: {
      defaultMetrics?: boolean;
      breakerStates?: () => Array<{ provider: string; model: string; state: string }>;
      /** Requests being handled right now; read at scrape time (no per-request gauge update). */
      inFlight?: () => number;
      /** Models named in the config (route targets): always their own label; others are bounded. */
      configuredModels?: ReadonlySet<string>;
    } = {},
  ) {
    const modelLabels = new BoundedLabels(options.configuredModels ?? new Set());
    const registers = [this.registry];
    this.requests = new DeferredCounter({
      name: 'infermux_requests_total',
      help: 'Requests answered, by endpoint, route, provider, status and error code.',
      labelNames: ['endpoint', 'route', 'provider', 'status', 'error_code'],
      registers,
    });
    this.attempts = new DeferredCounter({
      name: 'infermux_attempts_total',
      help: 'Upstream attempts, by provider and outcome (ok or error code).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.duration = new PlainHistogram(
      'infermux_request_duration_seconds',
      'Whole request latency (to the last byte for streams).',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      this.registry,
    );
    this.overhead = new PlainHistogram(
      'infermux_gateway_overhead_seconds',
      'Time spent in the gateway itself (not waiting on the upstream).',
      [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      this.registry,
    );
    this.tokens = new DeferredCounter({
      name: 'infermux_tokens_total',
      help: 'Tokens processed, by provider and direction (input/output).',
      labelNames: ['provider', 'direction'],
      registers,
    });
    this.cost = new DeferredCounter({
      name: 'infermux_cost_total',
      help: 'Cost of served requests, by provider and currency.',
      labelNames: ['provider', 'currency'],
      registers,
    });
    this.costUnknown = new DeferredCounter({
      name: 'infermux_cost_unknown_requests_total',
      help: 'Answered requests no price source priced (their cost is not in infermux_cost_total), by provider.',
      labelNames: ['provider'],
      registers,
    });
    this.cacheHits = new DeferredCounter({
      name: 'infermux_cache_hits_total',
      help: 'Requests answered from the response cache, by task.',
      labelNames: ['task'],
      registers,
    });
    this.routingEvents = new DeferredCounter({
      name: 'infermux_routing_events_total',
      help: 'Retries, failovers, breaker transitions and rate-limit waits, by event type and provider.',
      labelNames: ['type', 'provider'],
      registers,
    });
    this.stateTransitions = new DeferredCounter({
      name: 'infermux_state_transitions_total',
      help: 'Shared state (Redis) becoming unreachable (available="false") or reachable again ("true").',
      labelNames: ['available'],
      registers,
    });
    this.stateFallbacks = new DeferredCounter({
      name: 'infermux_state_fallbacks_total',
      help: 'Requests whose shared state was unreachable, by concern and what state.onUnavailable made of them (local, rejected, skipped).',
      labelNames: ['concern', 'outcome'],
      registers,
    });
    this.stateRoundTrips = new DeferredCounter({
      name: 'infermux_state_round_trips_total',
      help: 'Commands (or pipelines) sent to the shared state (Redis): each one a network round trip.',
      registers,
    });
    const inFlight = options.inFlight;
    new Gauge({
      name: 'infermux_in_flight_requests',
      help: 'Requests being handled right now (streams included).',
      registers,
      collect() {
        this.set(inFlight ? inFlight() : 0);
      },
    });
    const breakerStates = options.breakerStates;
    new Gauge({
      name: 'infermux_breaker_state',
      help: 'Circuit breaker per (provider, model): 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider', 'model'],
      registers,
      collect() {
        if (!breakerStates) return;
        this.reset();
        const states = breakerStates().map((entry) => ({ ...entry, state: breakerStateValue[entry.state] ?? -1 }));
        for (const entry of foldBreakerStates(states, modelLabels))
          this.set({ provider: entry.provider, model: entry.model }, entry.state);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'infermux_' });
  }

  observe(observation: RequestObservation): void {
    const { endpoint, route, provider, errorCode } = observation;
    const status = String(observation.status);
    this.requests.add([endpoint, route, provider, status, errorCode], () => ({
      endpoint,
      route,
      provider,
      status,
      error_code: errorCode,
    }));
    let histograms = this.histograms.get(endpoint);
    if (!histograms) {
      const labels = () => ({ endpoint });
      histograms = {
        duration: this.duration.seriesFor(endpoint, labels),
        overhead: this.overhead.seriesFor(endpoint, labels),
      };
      // Endpoints are a fixed set (the router's patterns); stay bounded anyway.
      if (this.histograms.size < 10_000) this.histograms.set(endpoint, histograms);
    }
    this.duration.observe(histograms.duration, observation.latencySeconds);
    this.overhead.observe(histograms.overhead, observation.overheadSeconds);
    if (observation.inputTokens)
      this.tokens.add([provider, 'input'], () => ({ provider, direction: 'input' }), observation.inputTokens);
    if (observation.outputTokens)
      this.tokens.add([provider, 'output'], () => ({ provider, direction: 'output' }), observation.outputTokens);
    if (observation.cost) {
      const currency = observation.currency ?? 'USD';
      this.cost.add([provider, currency], () => ({ provider, currency }), observation.cost);
    }
    if (observation.costUnknown) this.costUnknown.add([provider], () => ({ provider }));
    if (observation.cached) this.cacheHits.add([observation.task], () => ({ task: observation.task }));
  }

  routingEvent(type: string, provider: string): void {
    this.routingEvents.add([type, provider], () => ({ type, provider }));
  }

  stateTransition(available: boolean): void {
    this.stateTransitions.add([String(available)], () => ({ available: String(available) }));
    this.stateAvailable ??= new Gauge({
      name: 'infermux_state_available',
      help: 'Shared state (Redis) reachable (1) or not (0).',
      registers: [this.registry],
    });
    this.stateAvailable.set(available ? 1 : 0);
  }

  stateFallback(concern: string, outcome: 'local' | 'rejected' | 'skipped'): void {
    this.stateFallbacks.add([concern, outcome], () => ({ concern, outcome }));
  }

  stateRoundTrip(): void {
    this.stateRoundTrips.add([], () => ({}));
  }

  attempt(provider: string, outcome: string, count = 1): void {
    this.attempts.add([provider, outcome], () => ({ provider, outcome }), count);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
