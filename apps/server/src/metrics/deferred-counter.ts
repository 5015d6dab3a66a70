import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

interface Series<L extends string> {
  labels: LabelValues<L>;
  pending: number;
}

/** Series kept apart per counter; past this, increments go straight to prom-client (still counted, just slower). */
const MAX_SERIES = 10_000;

/**
 * A prom-client counter whose increments are summed in plain numbers and handed to
 * prom-client when the registry is scraped. prom-client hashes and validates the label set
 * on every `inc` (~1 µs, even through a `labels()` child): with several counters per request
 * that was a measurable share of the gateway's own CPU. Here the label work is paid once per
 * series per scrape. `/metrics` shows the same values, up to date at the moment of the scrape.
 */
export class DeferredCounter<L extends string> {
  readonly counter: Counter<L>;
  private readonly series = new Map<string, Series<L>>();

  constructor(configuration: Omit<CounterConfiguration<L>, 'collect'>) {
    const series = this.series;
    this.counter = new Counter<L>({
      ...configuration,
      collect() {
        for (const entry of series.values()) {
          if (entry.pending === 0) continue;
          this.inc(entry.labels, entry.pending);
          entry.pending = 0;
        }
      },
    });
  }

  /**
   * Adds `amount` to the series named by `id` (the label values joined, unique per label set);
   * `labels` builds the label set the first time the series is seen.
   */
  add(id: string, labels: () => LabelValues<L>, amount = 1): void {
    const entry = this.series.get(id);
    if (entry) {
      entry.pending += amount;
      return;
    }
    if (this.series.size >= MAX_SERIES) {
      this.counter.inc(labels(), amount);
      return;
    }
    this.series.set(id, { labels: labels(), pending: amount });
  }
}
