import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

interface Series<L extends string> {
  labels: LabelValues<L>;
  pending: number;
}

/** Series by their label values, one Map level per value: no joined key string built and hashed per increment. */
type SeriesLevel<L extends string> = Map<string, SeriesLevel<L> | Series<L>>;

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
  private readonly tree: SeriesLevel<L> = new Map();
  /** Every series of the tree, for the scrape. */
  private readonly all: Series<L>[] = [];

  constructor(configuration: Omit<CounterConfiguration<L>, 'collect'>) {
    const all = this.all;
    this.counter = new Counter<L>({
      ...configuration,
      collect() {
        for (const entry of all) {
          if (entry.pending === 0) continue;
          this.inc(entry.labels, entry.pending);
          entry.pending = 0;
        }
      },
    });
  }

  /**
   * Adds `amount` to the series named by `values`, its label values in a fixed order (a counter always names
   * its series with as many); `labels` builds the label set the first time the series is seen.
   */
  add(values: readonly string[], labels: () => LabelValues<L>, amount = 1): void {
    let level = this.tree;
    const end = values.length - 1;
    for (let index = 0; index < end; index++) {
      const value = values[index] as string;
      let next = level.get(value) as SeriesLevel<L> | undefined;
      if (next === undefined) {
        if (this.all.length >= MAX_SERIES) {
          this.counter.inc(labels(), amount);
          return;
        }
        next = new Map();
        level.set(value, next);
      }
      level = next;
    }
    const last = values[end] ?? ''; // a counter without labels has one series
    const entry = level.get(last) as Series<L> | undefined;
    if (entry) {
      entry.pending += amount;
      return;
    }
    if (this.all.length >= MAX_SERIES) {
      this.counter.inc(labels(), amount);
      return;
    }
    const series = { labels: labels(), pending: amount };
    level.set(last, series);
    this.all.push(series);
  }
}
