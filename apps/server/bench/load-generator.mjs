// A small bounded load generator on undici: `connections` loops, each sending the next
// request as soon as the previous one is fully read, for `durationMs` (after a warm-up),
// never more than `maxRequests` in all; `onMeasureStart` is called as the warm-up ends.
// Only ever used against 127.0.0.1.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad({
  url,
  path,
  headers,
  body,
  connections,
  durationMs,
  warmupMs,
  maxRequests = 2_000_000,
  onMeasureStart,
}) {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`refusing to load anything but 127.0.0.1 (got ${url})`);
  const pool = new Pool(url, { connections, pipelining: 1 });
  const latencies = [];
  let errors = 0;
  let sent = 0;
  let measuring = false;
  let completed = 0;
  const stopAt = performance.now() + warmupMs + durationMs;
  const measureFrom = performance.now() + warmupMs;
  setTimeout(() => {
    measuring = true;
    onMeasureStart?.();
  }, warmupMs).unref();

  async function loop() {
    while (performance.now() < stopAt && sent < maxRequests) {
      sent += 1;
      const start = performance.now();
      try {
        const response = await pool.request({ method: 'POST', path, headers, body });
        // Read everything (a stream counts until its last byte).
        for await (const _ of response.body) {
          // drain
        }
        if (response.statusCode !== 200) errors += 1;
      } catch {
        errors += 1;
      }
      if (measuring && start >= measureFrom) {
        latencies.push(performance.now() - start);
        completed += 1;
      }
    }
  }
  const began = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const measuredMs = performance.now() - Math.max(began, measureFrom);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: completed,
    errors,
    throughput: completed / (measuredMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
