import type { RunResult, Warning } from '@infermux/core';
import type { Terminal } from '../runtime/terminal';
import { findBinaryValues, toJsonSafe } from './binary-fields';
import { downloadUrls } from './download-urls';
import { renderHuman } from './render-human';
import { findResultUrls } from './result-urls';
import { planOutputPaths, saveBinaryValues } from './save-outputs';

export interface PrintOptions {
  terminal: Terminal;
  json?: boolean;
  out?: string;
  cwd: string;
  task: string;
}

/**
 * Prints a result: the whole envelope as JSON (`--json`), or the output for people.
 * Binary outputs are saved to files (always for people; with `--out` for JSON, otherwise
 * inlined as base64); result URLs (async jobs) are downloaded when `--out` is given.
 */
export async function printResult(
  result: Pick<RunResult, 'output'> & Partial<RunResult>,
  options: PrintOptions,
): Promise<void> {
  const binaries = findBinaryValues(result.output).map((entry) => entry.value);
  const saveFiles = binaries.length > 0 && (!options.json || options.out !== undefined);
  const saved = saveFiles ? await saveBinaryValues(binaries, planOutputPaths(binaries, options)) : new Map();
  const urls = options.out !== undefined && binaries.length === 0 ? findResultUrls(result.output) : [];
  const downloaded = urls.length
    ? await downloadUrls(urls, { out: options.out as string, cwd: options.cwd, task: options.task })
    : [];
  if (options.json) {
    const envelope = toJsonSafe(result, saved) as Record<string, unknown>;
    if (downloaded.length) envelope.files = downloaded;
    options.terminal.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
    return;
  }
  printWarnings(result.warnings ?? [], options.terminal);
  if (downloaded.length) {
    for (const path of downloaded) options.terminal.stdout.write(`${options.terminal.out.green('saved')} ${path}\n`);
    return;
  }
  renderHuman(result.output, options.terminal, saved);
}

/**
 * Warnings to stderr. `cost_unknown` is left to `--json` (which carries `cost: null` and the warning) and
 * `infermux prices`: the human output shows no cost, so on every unpriced call it would only be noise.
 */
export function printWarnings(warnings: readonly Warning[], terminal: Terminal): void {
  for (const warning of warnings) {
    if (warning.code === 'cost_unknown') continue;
    terminal.stderr.write(`${terminal.err.yellow('warning:')} ${warning.message}\n`);
  }
}
