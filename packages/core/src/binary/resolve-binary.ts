import { InfermuxError } from '../errors/infermux-error';
import type { Transport } from '../transport/http-transport';
import type { BinaryData, BinaryInput } from './binary-input';
import { contentTypeForExtension, sniffContentType } from './sniff-content-type';

export interface ResolveBinaryOptions {
  /** Field path for error messages, e.g. `inputs.image`. */
  field: string;
  /** File paths are read only when allowed (CLI, server); a library call sees them as errors. */
  allowFilePaths?: boolean;
  /** Used to download http(s) URLs. */
  transport?: Transport;
  signal?: AbortSignal;
  /** Largest accepted size in bytes. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
const OCTET_STREAM = 'application/octet-stream';

function invalid(field: string, message: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_invalid_input',
    message: `Invalid ${field}: ${message}`,
    details: { field },
  });
}

/** Turns any accepted binary input form into bytes with a media type. */
export async function resolveBinary(input: BinaryInput, options: ResolveBinaryOptions): Promise<BinaryData> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const finish = (data: Uint8Array, declaredType?: string): BinaryData => {
    if (data.byteLength === 0) throw invalid(options.field, 'expected non-empty binary data (got 0 bytes)');
    if (data.byteLength > maxBytes)
      throw invalid(options.field, `is ${data.byteLength} bytes; the limit is ${maxBytes}`);
    const declared = declaredType && declaredType !== OCTET_STREAM ? declaredType : undefined;
    return { data, contentType: declared ?? sniffContentType(data) ?? OCTET_STREAM };
  };
  if (input instanceof Uint8Array) return finish(input);
  if (input instanceof ArrayBuffer) return finish(new Uint8Array(input));
  if (typeof Blob !== 'undefined' && input instanceof Blob)
    return finish(new Uint8Array(await input.arrayBuffer()), input.type);
  if (typeof input !== 'string')
    throw invalid(options.field, 'expected bytes, a Blob, a data: URL, an http(s) URL or a file path');

  if (input.startsWith('data:')) {
    const match = /^data:([^;,]*)(;[^,]*)?,(.*)$/s.exec(input);
    if (!match) throw invalid(options.field, 'is a malformed data: URL');
    const [, mediaType, flags = '', payload = ''] = match;
    const data = flags.includes(';base64')
      ? Uint8Array.from(Buffer.from(payload, 'base64'))
      : new TextEncoder().encode(decodeURIComponent(payload));
    return finish(data, mediaType || undefined);
  }
  if (/^https?:\/\//i.test(input)) {
    if (!options.transport) throw invalid(options.field, 'URLs cannot be fetched here (no transport)');
    const response = await options.transport.request({ method: 'GET', url: input, signal: options.signal });
    if (response.status >= 400) {
      await response.dispose();
      throw invalid(
        options.field,
        `downloading ${new URL(input).host}${new URL(input).pathname} failed with HTTP ${response.status}`,
      );
    }
    return finish(await response.bytes(), response.contentType.split(';')[0] || undefined);
  }
  if (!options.allowFilePaths) {
    throw invalid(
      options.field,
      'expected bytes, a Blob, a data: URL or an http(s) URL (file paths are accepted by the CLI and the server only)',
    );
  }
  const { readFile } = await import('node:fs/promises');
  try {
    const data = new Uint8Array(await readFile(input));
    return finish(data, contentTypeForExtension(input));
  } catch (error) {
    if (InfermuxError.isInstance(error)) throw error;
    throw invalid(options.field, `cannot read file "${input}" (${(error as { code?: string }).code ?? 'error'})`);
  }
}

/** Encodes bytes as base64 (the JSON form of binary inputs on the HF wire). */
export function toBase64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Reads a resolved binary input (bytes or Blob) for an adapter. */
export async function readBinary(value: BinaryInput): Promise<BinaryData> {
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    const data = new Uint8Array(await value.arrayBuffer());
    return { data, contentType: value.type || sniffContentType(data) || OCTET_STREAM };
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const data = value instanceof Uint8Array ? value : new Uint8Array(value);
    return { data, contentType: sniffContentType(data) ?? OCTET_STREAM };
  }
  throw invalid('binary input', 'was not resolved to bytes before reaching the provider');
}

/**
 * Resolves every binary field a task declares (`inputs`, `inputs.image`, …) into a Blob
 * with its media type, so adapters only ever see bytes.
 */
export async function resolveBinaryFields<T>(
  input: T,
  fields: readonly string[] | undefined,
  options: Omit<ResolveBinaryOptions, 'field'>,
): Promise<T> {
  if (!fields?.length) return input;
  const copy = structuredCloneShallow(input) as Record<string, unknown>;
  for (const field of fields) {
    const path = field.split('.');
    let holder: Record<string, unknown> | undefined = copy;
    for (const key of path.slice(0, -1)) {
      const next: unknown = holder?.[key];
      if (next === null || typeof next !== 'object') {
        holder = undefined;
        break;
      }
      holder[key] = { ...(next as Record<string, unknown>) };
      holder = holder[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1] as string;
    const value = holder?.[last];
    if (holder && value !== undefined) {
      const resolved = await resolveBinary(value as BinaryInput, { ...options, field });
      holder[last] = new Blob([resolved.data as Uint8Array<ArrayBuffer>], { type: resolved.contentType });
    }
  }
  return copy as T;
}

function structuredCloneShallow(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : value;
}
