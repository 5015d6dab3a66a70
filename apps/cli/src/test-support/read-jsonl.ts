import { existsSync, readFileSync } from 'node:fs';

/** The records of a JSONL file ([] when it does not exist). */
export function readJsonl(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
