import type { Terminal } from '../runtime/terminal';
import { isBinaryValue } from './binary-fields';
import { findResultUrls } from './result-urls';

const BAR_WIDTH = 24;

interface LabelScore {
  label: string;
  score: number;
}

const isLabelScoreList = (value: unknown): value is LabelScore[] =>
  Array.isArray(value) &&
  value.length > 0 &&
  value.every(
    (item) => item && typeof item === 'object' && typeof item.label === 'string' && typeof item.score === 'number',
  );

/**
 * Prints an output for people. Presentation follows the output's shape, so every task
 * (and any task added later) gets a sensible view: ranked labels with bars, text as text,
 * saved files by path, anything else as indented JSON.
 */
export function renderHuman(output: unknown, terminal: Terminal, saved: ReadonlyMap<unknown, string>): void {
  const out = terminal.stdout;
  const colors = terminal.out;
  if (isLabelScoreList(output)) {
    const ranked = [...output].sort((a, b) => b.score - a.score);
    const width = Math.max(...ranked.map((item) => item.label.length));
    for (const item of ranked) {
      const filled = Math.round(Math.max(0, Math.min(1, item.score)) * BAR_WIDTH);
      const bar = colors.green('█'.repeat(filled)) + colors.dim('░'.repeat(BAR_WIDTH - filled));
      out.write(`${item.label.padEnd(width)}  ${bar}  ${item.score.toFixed(4)}\n`);
    }
    return;
  }
  const text = primaryText(output);
  if (text !== undefined) {
    out.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  if (saved.size > 0) {
    for (const path of saved.values()) out.write(`${colors.green('saved')} ${path}\n`);
    const rest = withoutBinary(output);
    if (rest && Object.keys(rest).length > 0) out.write(`${JSON.stringify(rest, null, 2)}\n`);
    return;
  }
  const urls = findResultUrls(output);
  if (urls.length > 0) {
    // Job results are links (they expire): print them one per line, `--out` downloads them.
    for (const url of urls) out.write(`${url}\n`);
    return;
  }
  out.write(`${JSON.stringify(output, null, 2)}\n`);
}

/** The one text an output is about, when it has one (generated text, a chat reply, a transcript). */
export function primaryText(output: unknown): string | undefined {
  if (typeof output === 'string') return output;
  if (output === null || typeof output !== 'object') return undefined;
  const record = output as Record<string, unknown>;
  const choice = Array.isArray(record.choices)
    ? (record.choices[0] as { message?: { content?: unknown } } | undefined)
    : undefined;
  if (typeof choice?.message?.content === 'string') return choice.message.content;
  for (const key of ['generated_text', 'summary_text', 'translation_text', 'text', 'answer']) {
    if (typeof record[key] === 'string') return record[key] as string;
  }
  if (Array.isArray(output) && output.length === 1) return primaryText(output[0]);
  return undefined;
}

function withoutBinary(output: unknown): Record<string, unknown> | undefined {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return undefined;
  return Object.fromEntries(
    Object.entries(output as Record<string, unknown>).filter(([, value]) => !isBinaryValue(value)),
  );
}
