// Sums of floats (costs, average latencies) carry binary noise (0.30000000000000004): six significant
// digits, never fewer than the cents. `--json` keeps the exact values.
const numberFormat = new Intl.NumberFormat('en-US', {
  useGrouping: false,
  maximumSignificantDigits: 6,
  maximumFractionDigits: 2,
  roundingPriority: 'morePrecision',
});

/** A number for a table: integers as they are, others to six significant digits (at least the cents). */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : numberFormat.format(value);
}
