import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InfermuxError } from '@infermux/core';

/** Where a positional input came from, before it is fitted to a task field. */
export type InputSource =
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array; origin: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string };

/**
 * Reads the input forms the CLI accepts: `-` (stdin), `@path` (a file), an http(s) or
 * data: URL, or the text itself.
 */
export function classifySource(value: string, cwd: string): InputSource | 'stdin' {
  if (value === '-') return 'stdin';
  if (value.startsWith('@') && value.length > 1) {
    const path = resolve(cwd, value.slice(1));
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `Input file not found: ${value.slice(1)}`,
        details: { field: 'input', path },
      });
    }
    return { kind: 'file', path };
  }
  if (/^(https?:\/\/|data:)/i.test(value)) return { kind: 'url', url: value };
  return { kind: 'text', text: value };
}

export async function readStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return new Uint8Array(Buffer.concat(chunks));
}

/** The source as text (text fields): files and stdin are read as UTF-8, one trailing newline dropped. */
export async function sourceAsText(source: InputSource): Promise<string> {
  switch (source.kind) {
    case 'text':
      return source.text;
    case 'url':
      return source.url;
    case 'file':
      return stripNewline(await readFile(source.path, 'utf8'));
    case 'bytes':
      return stripNewline(new TextDecoder().decode(source.bytes));
  }
}

/**
 * The source as a binary input core accepts: bytes, an http(s)/data: URL (core downloads it),
 * or a file path (core reads it and takes the media type from the extension).
 */
export function sourceAsBinary(source: InputSource, field: string, cwd: string): Uint8Array | string {
  switch (source.kind) {
    case 'bytes':
      return source.bytes;
    case 'url':
      return source.url;
    case 'file':
      return source.path;
    case 'text': {
      const path = resolve(cwd, source.text);
      if (existsSync(path) && statSync(path).isFile()) return path;
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `Invalid ${field}: "${source.text}" is not a file; give @path/to/file, an http(s) URL, or - to read stdin`,
        details: { field },
      });
    }
  }
}

function stripNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}
