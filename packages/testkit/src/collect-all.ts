/** Reads an async iterable (a stream's parts, a body's chunks) to its end. */
export async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const seen: T[] = [];
  for await (const item of items) seen.push(item);
  return seen;
}
