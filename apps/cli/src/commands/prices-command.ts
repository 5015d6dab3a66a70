import { type PriceEntry, parseModelRef } from '@infermux/core';
import { exitCodes } from '../exit-codes';
import type { CliContext } from '../runtime/cli-context';

/** One price as `infermux prices` lists it: what it prices, where it comes from, and from when. */
interface PriceRow {
  model: string;
  source: 'config' | 'catalogue' | 'default' | 'unknown';
  version: string;
  price: string;
  /** A shipped price's source URL and what is not verified about it; a catalogue's last error. */
  note: string;
}

const units: ReadonlyArray<[keyof PriceEntry, string]> = [
  ['inputPerMillionTokens', 'per 1M input tokens'],
  ['cachedInputPerMillionTokens', 'per 1M cached input tokens'],
  ['cacheWritePerMillionTokens', 'per 1M cache-write tokens'],
  ['outputPerMillionTokens', 'per 1M output tokens'],
  ['reasoningPerMillionTokens', 'per 1M reasoning tokens'],
  ['perImage', 'per image'],
  ['perVideoSecond', 'per video second'],
  ['perAudioSecond', 'per audio second'],
  ['perComputeSecond', 'per compute second'],
  ['perCredit', 'per credit'],
  ['perRequest', 'per request'],
];

function describePrice(price: PriceEntry): string {
  const currency = price.currency ?? 'USD';
  return units
    .filter(([key]) => price[key] !== undefined)
    .map(([key, label]) => `${price[key]} ${currency} ${label}`)
    .join(', ');
}

/**
 * `infermux prices [model…]`: every price the client knows and where it comes from (the configuration, a
 * provider's live catalogue, refreshed first unless `--offline`, the tables shipped with the adapters);
 * with model references, the source that prices each one (or `unknown`).
 */
export async function pricesCommand(
  context: CliContext,
  models: readonly string[],
  flags: { json?: boolean; offline?: boolean },
): Promise<number> {
  const client = await context.client();
  const { prices } = client;
  const providers = client.providers.list();
  const notes = new Map<string, string>();
  if (!flags.offline) {
    await Promise.all(
      providers.map(async (provider) => {
        const catalogue = provider.pricing?.catalogue;
        if (!catalogue) return;
        await catalogue.refresh({ force: true });
        const failed = catalogue.lastError;
        if (failed)
          notes.set(provider.name, `refresh failed: ${failed instanceof Error ? failed.message : String(failed)}`);
      }),
    );
  }
  const rows: PriceRow[] = models.length > 0 ? resolveRows(client, models) : [];
  if (models.length === 0) {
    for (const [key, price] of prices.configured())
      rows.push({ model: key, source: 'config', version: prices.version, price: describePrice(price), note: '' });
    for (const provider of providers) {
      const { catalogue, defaults } = provider.pricing ?? {};
      for (const entry of catalogue?.list() ?? []) {
        rows.push({
          model: `${provider.name}:${entry.model}${entry.variant ? `:${entry.variant}` : ''}`,
          source: 'catalogue',
          version: `${catalogue?.name}@${catalogue?.fetchedAt}`,
          price: describePrice(entry.price),
          note: notes.get(provider.name) ?? '',
        });
      }
      if (catalogue && catalogue.list().length === 0 && notes.has(provider.name)) {
        rows.push({
          model: `${provider.name}:*`,
          source: 'catalogue',
          version: catalogue.name,
          price: '',
          note: notes.get(provider.name) ?? '',
        });
      }
      for (const entry of defaults?.entries ?? []) {
        const conditions = [
          entry.computeType && `on ${entry.computeType}`,
          entry.reports && `when ${entry.reports.join(' or ')} reported`,
        ]
          .filter(Boolean)
          .join(', ');
        rows.push({
          model: `${provider.name}:${entry.model}`,
          source: 'default',
          version: `${defaults?.version} (read ${entry.date})`,
          price: `${describePrice(entry.price)}${conditions ? ` ${conditions}` : ''}`,
          note: [entry.sourceUrl, entry.note].filter(Boolean).join(' — '),
        });
      }
    }
  }
  const stdout = context.terminal.stdout;
  if (flags.json) {
    stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return exitCodes.ok;
  }
  if (rows.length === 0) {
    stdout.write('(no prices: every cost is unknown until prices.models sets some)\n');
    return exitCodes.ok;
  }
  for (const row of rows) {
    stdout.write(
      `${row.model}  [${row.source} ${row.version}]  ${row.price || '(no price)'}${row.note ? `\n    ${row.note}` : ''}\n`,
    );
  }
  return exitCodes.ok;
}

/** The source that prices each model reference (`provider:org/name[:variant]`) before its call, or unknown. */
function resolveRows(client: Awaited<ReturnType<CliContext['client']>>, models: readonly string[]): PriceRow[] {
  return models.map((text) => {
    const reference = parseModelRef(text);
    const provider = reference.provider ?? client.providers.list()[0]?.name ?? '';
    const sourced = client.prices.resolve(provider, reference);
    const mayPrice = client.prices.mayPrice(provider, reference);
    if (!sourced) {
      return {
        model: text,
        source: 'unknown',
        version: '',
        price: '',
        note: mayPrice
          ? 'a shipped rate may apply once the answer reports its units (hardware, credits)'
          : 'no source prices it: set prices.models',
      };
    }
    return {
      model: text,
      source: sourced.source,
      version: sourced.version,
      price: describePrice(sourced.price),
      note: sourced.sourceUrl ?? '',
    };
  });
}
