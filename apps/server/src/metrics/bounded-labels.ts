/** The label value every name past the bound folds into. */
export const OTHER_LABEL = '(other)';

/**
 * Label values for names callers choose (models): the configured ones always, then the first `capacity`
 * others seen (cut to `maxLength` characters), then `(other)`. Keeps `/metrics` and memory bounded
 * however many distinct names arrive.
 */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly configured: ReadonlySet<string>,
    private readonly capacity = 100,
    private readonly maxLength = 128,
  ) {}

  label(name: string): string {
    if (this.configured.has(name) || this.seen.has(name)) return name;
    if (name.length > this.maxLength || this.seen.size >= this.capacity) return OTHER_LABEL;
    this.seen.add(name);
    return name;
  }
}

/** Breaker states by (provider, label): a folded label shows the worst state among the names in it. */
export function foldBreakerStates(
  states: ReadonlyArray<{ provider: string; model: string; state: number }>,
  labels: BoundedLabels,
): Array<{ provider: string; model: string; state: number }> {
  const folded = new Map<string, { provider: string; model: string; state: number }>();
  for (const entry of states) {
    const model = labels.label(entry.model);
    const key = `${entry.provider}\u0000${model}`;
    const current = folded.get(key);
    if (!current || entry.state > current.state)
      folded.set(key, { provider: entry.provider, model, state: entry.state });
  }
  return [...folded.values()];
}
