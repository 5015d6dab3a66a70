import type { Metric, Registry } from 'prom-client';

export interface HistogramSeries {
  /** Count per bucket (not cumulative), one slot per upper bound. */
  readonly counts: number[];
  sum: number;
  count: number;
}

interface LabelledSeries extends HistogramSeries {
  labels: Record<string, string>;
}

interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** Series kept per histogram; past this, observations for new label sets are dropped (a label explosion is a bug upstream of here). */
const MAX_SERIES = 10_000;

/**
 * A Prometheus histogram kept in plain numbers and registered on a prom-client registry,
 * which renders it like its own (`_bucket{le=…}` cumulative, `+Inf`, `_sum`, `_count`).
 * prom-client's `observe` re-validates and re-hashes the label set on every call (~1 µs
 * even through a `labels()` child) and the gateway observes two histograms per request;
 * here an observation is a bucket search and three additions on a series looked up once.
 */
export class PlainHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, LabelledSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // prom-client's registry only reads `name`, `help`, `type`, `aggregator`, `get()` and `reset()`;
    // its TypeScript type lists only its own metric classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series for a label set (`id` unique per label set), created on first use; undefined past the bound. */
  seriesFor(id: string, labels: () => Record<string, string>): HistogramSeries | undefined {
    let series = this.series.get(id);
    if (!series && this.series.size < MAX_SERIES) {
      series = { labels: labels(), counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(id, series);
    }
    return series;
  }

  observe(series: HistogramSeries | undefined, value: number): void {
    if (!series || !Number.isFinite(value)) return;
    series.sum += value;
    series.count += 1;
    const buckets = this.buckets;
    for (let index = 0; index < buckets.length; index++) {
      if (value <= (buckets[index] as number)) {
        (series.counts[index] as number) += 1;
        return;
      }
    }
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: ExportedValue[] }> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.series.values()) {
      let cumulative = 0;
      for (let index = 0; index < this.buckets.length; index++) {
        cumulative += series.counts[index] as number;
        values.push({
          metricName: bucketName,
          labels: { le: this.buckets[index] as number, ...series.labels },
          value: cumulative,
        });
      }
      values.push({ metricName: bucketName, labels: { le: '+Inf', ...series.labels }, value: series.count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...series.labels }, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...series.labels }, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
