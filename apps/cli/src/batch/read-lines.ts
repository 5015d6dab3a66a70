import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  /** 1-based line number in the file. */
  number: number;
  text: string;
}

/**
 * Streams a file line by line with backpressure: the next chunk is read only when the
 * consumer asks, so memory stays flat whatever the file size. Blank lines are skipped
 * (their numbers still count).
 */
export async function* readLines(path: string): AsyncGenerator<Line> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let number = 0;
  for await (const chunk of stream) {
    const text = carry + decoder.write(chunk as Buffer);
    let start = 0;
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', start)) {
      number += 1;
      const line = text.charCodeAt(index - 1) === 13 ? text.slice(start, index - 1) : text.slice(start, index);
      start = index + 1;
      if (line.trim().length > 0) yield { number, text: line };
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry.trim().length > 0) yield { number: number + 1, text: carry };
}

/** Counts non-blank lines without keeping them (for the progress bar's total). */
export async function countLines(path: string): Promise<number> {
  let count = 0;
  for await (const _line of readLines(path)) count += 1;
  return count;
}
