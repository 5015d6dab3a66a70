import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { extensionForContentType } from '@infermux/core';
import type { BinaryValue } from './binary-fields';

/**
 * Where binary outputs go. `--out file.png` for one output; `--out dir/` (or an existing
 * directory) for several; without `--out`, `<task>-<time>.<ext>` in the current directory.
 */
export function planOutputPaths(
  values: readonly BinaryValue[],
  options: { out?: string; task: string; cwd: string; now?: Date },
): string[] {
  const stamp = (options.now ?? new Date()).toISOString().replace(/[-:]/g, '').replace(/\..+$/, '').replace('T', '-');
  const nameFor = (value: BinaryValue, index: number) =>
    `${options.task}-${stamp}${values.length > 1 ? `-${index + 1}` : ''}.${extensionForContentType(value.contentType)}`;
  if (!options.out) return values.map((value, index) => resolve(options.cwd, nameFor(value, index)));
  const out = resolve(options.cwd, options.out);
  const isDirectory =
    options.out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory()) || values.length > 1;
  if (isDirectory) return values.map((value, index) => join(out, nameFor(value, index)));
  return [extname(out) ? out : `${out}.${extensionForContentType(values[0]?.contentType ?? '')}`];
}

export async function saveBinaryValues(
  values: readonly BinaryValue[],
  paths: readonly string[],
): Promise<Map<BinaryValue, string>> {
  const saved = new Map<BinaryValue, string>();
  for (const [index, value] of values.entries()) {
    const path = paths[index] as string;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, value.data);
    saved.set(value, path);
  }
  return saved;
}
