import { existsSync } from 'node:fs';
import { readLines } from './read-lines';

/** Records start with `{"id":<json>,`: the id is read without parsing the (possibly large) output. */
const leadingId = /^\{"id":("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)[,}]/;

/** The key a record id is tracked by (ids 7 and "7" are the same line). */
export function idKey(id: unknown): string {
  return typeof id === 'string' ? id : JSON.stringify(id);
}

/**
 * Ids already in the output file, read streaming. Called after `repairTail`, so every
 * line is a complete record; an unreadable one is skipped (its line simply runs again).
 */
export async function readCompletedIds(path: string): Promise<Set<string>> {
  const done = new Set<string>();
  if (!existsSync(path)) return done;
  for await (const line of readLines(path)) {
    const match = leadingId.exec(line.text);
    try {
      const id = match ? JSON.parse(match[1] as string) : (JSON.parse(line.text) as { id?: unknown }).id;
      if (id !== undefined && id !== null) done.add(idKey(id));
    } catch {
      // A corrupt record does not count as done.
    }
  }
  return done;
}
