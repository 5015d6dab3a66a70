import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
  cached: boolean;
  task: string;
}

/**
 * The gateway's Prometheus metrics, on a registry of its own (two gateways in one
 * process do not share counters). Labelled children are cached: prom-client hashes
 * label sets on every call otherwise.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'route' | 'provider' | 'status' | 'error_code'>;
  private readonly attempts: Counter<'provider' | 'outcome'>;
  private readonly duration: Histogram<'endpoint'>;
  private readonly overhead: Histogram<'endpoint'>;
  private readonly tokens: Counter<'provider' | 'direction'>;
  private readonly cost: Counter<'provider' | 'currency'>;
  private readonly cacheHits: Counter<'task'>;
  private readonly routingEvents: Counter<'type' | 'provider'>;
  readonly inFlight: Gauge;
  private readonly breaker: Gauge<'provider' | 'model'>;
  private readonly children = new Map<string, { requests: Counter.Internal; duration: Histogram.Internal<string>; overhead: Histogram.Internal<string> }>();
  /** Labelled children of the small counters (tokens, cost, attempts, routing events, cache hits), by counter and labels. */
  private readonly counterChildren = new Map<Counter<string>, Map<string, Counter.Internal>>();

  constructor(options: { defaultMetrics?: boolean; breakerStates?: () => Array<{ provider: string; model: string; state: string }> } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'infermux_requests_total', help: 'Requests answered, by endpoint, route, provider, status and error code.', labelNames: ['endpoint', 'route', 'provider', 'status', 'error_code'], registers });
    this.attempts = new Counter({ name: 'infermux_attempts_total', help: 'Upstream attempts, by provider and outcome (ok or error code).', labelNames: ['provider', 'outcome'], registers });
    this.duration = new Histogram({
      name: 'infermux_request_duration_seconds',
      help: 'Whole request latency (to the last byte for streams).',
      labelNames: ['endpoint'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.overhead = new Histogram({
      name: 'infermux_gateway_overhead_seconds',
      help: 'Time spent in the gateway itself (not waiting on the upstream).',
      labelNames: ['endpoint'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      registers,
    });
    this.tokens = new Counter({ name: 'infermux_tokens_total', help: 'Tokens processed, by provider and direction (input/output).', labelNames: ['provider', 'direction'], registers });
    this.cost = new Counter({ name: 'infermux_cost_total', help: 'Cost of served requests, by provider and currency.', labelNames: ['provider', 'currency'], registers });
    this.cacheHits = new Counter({ name: 'infermux_cache_hits_total', help: 'Requests answered from the response cache, by task.', labelNames: ['task'], registers });
    this.routingEvents = new Counter({ name: 'infermux_routing_events_total', help: 'Retries, failovers, breaker transitions and rate-limit waits, by event type and provider.', labelNames: ['type', 'provider'], registers });
    this.inFlight = new Gauge({ name: 'infermux_in_flight_requests', help: 'Requests being handled right now (streams included).', registers });
    const breakerStates = options.breakerStates;
    this.breaker = new Gauge({
      name: 'infermux_breaker_state',
      help: 'Circuit breaker per (provider, model): 0 closed, 1 half-open, 2 open.',
      labelNames: ['provider', 'model'],
      registers,
      collect() {
        if (!breakerStates) return;
        this.reset();
        for (const entry of breakerStates()) this.set({ provider: entry.provider, model: entry.model }, breakerStateValue[entry.state] ?? -1);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'infermux_' });
  }

  observe(observation: RequestObservation): void {
    const id = `${observation.endpoint}\u0000${observation.route}\u0000${observation.provider}\u0000${observation.status}\u0000${observation.errorCode}`;
    let child = this.children.get(id);
    if (!child) {
      child = {
        requests: this.requests.labels(observation.endpoint, observation.route, observation.provider, String(observation.status), observation.errorCode),
        duration: this.duration.labels(observation.endpoint),
        overhead: this.overhead.labels(observation.endpoint),
      };
      // Label sets are bounded (endpoints × configured routes × providers × statuses); stay safe anyway.
      if (this.children.size < 10_000) this.children.set(id, child);
    }
    child.requests.inc();
    child.duration.observe(observation.latencySeconds);
    child.overhead.observe(observation.overheadSeconds);
    if (observation.inputTokens) this.counterChild(this.tokens, observation.provider, 'input').inc(observation.inputTokens);
    if (observation.outputTokens) this.counterChild(this.tokens, observation.provider, 'output').inc(observation.outputTokens);
    if (observation.cost) this.counterChild(this.cost, observation.provider, observation.currency ?? 'USD').inc(observation.cost);
    if (observation.cached) this.counterChild(this.cacheHits, observation.task).inc();
  }

  routingEvent(type: string, provider: string): void {
    this.counterChild(this.routingEvents, type, provider).inc();
  }

  attempt(provider: string, outcome: string, count = 1): void {
    this.counterChild(this.attempts, provider, outcome).inc(count);
  }

  /** `counter.labels(first[, second])`, cached (label values in the counter's label order). */
  private counterChild(counter: Counter<string>, first: string, second?: string): Counter.Internal {
    let children = this.counterChildren.get(counter);
    if (!children) {
      children = new Map();
      this.counterChildren.set(counter, children);
    }
    const id = second === undefined ? first : `${first}\u0000${second}`;
    let child = children.get(id);
    if (!child) {
      child = second === undefined ? counter.labels(first) : counter.labels(first, second);
      if (children.size < 10_000) children.set(id, child);
    }
    return child;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
