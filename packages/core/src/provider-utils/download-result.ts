import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BinaryData } from '../binary/binary-input';
import { InfermuxError } from '../errors/infermux-error';
import { httpError } from '../transport/http-error';
import { createHttpTransport, type HttpResponse, type Transport } from '../transport/http-transport';
import type { AttemptTimeouts } from '../transport/timeouts';

export interface DownloadResultOptions {
  /**
   * Write to this file (or the path made from the answer's media type) instead of returning the bytes.
   * Written to `<path>.partial`, then renamed: no half files.
   */
  to?: string | ((contentType: string) => string);
  transport?: Transport;
  signal?: AbortSignal;
  timeouts?: AttemptTimeouts;
  /** For errors; default `upstream`. */
  provider?: string;
  /** When the link expires (unix ms), to explain a dead link. */
  expiresAt?: number;
  /** How long the provider keeps results, said when a link is dead (`EvoLink result links are valid for 24 hours`). */
  lifetime?: string;
  /** Largest result accepted, in bytes (checked on `content-length` and while reading). Default: no limit. */
  maxBytes?: number;
  /** Redirects followed (http(s) only). Default 3. */
  maxRedirects?: number;
}

export interface DownloadedFile {
  path: string;
  size: number;
  contentType: string;
}

const DEFAULT_MAX_REDIRECTS = 3;
const redirects = new Set([301, 302, 303, 307, 308]);
let sharedTransport: Transport | undefined;
function defaultTransport(): Transport {
  sharedTransport ??= createHttpTransport();
  return sharedTransport;
}

/**
 * Fetches a job's result URL (an image, a video) through core's transport. Result links are public and
 * often signed, so no credential is sent and errors name the host only (a signed query carries secrets).
 * Every failure is an InfermuxError: a dead link (403, 404, 410) is `caller_invalid_input` saying so.
 */
export async function downloadResult(
  url: string,
  options?: DownloadResultOptions & { to?: undefined },
): Promise<BinaryData>;
export async function downloadResult(
  url: string,
  options: DownloadResultOptions & { to: NonNullable<DownloadResultOptions['to']> },
): Promise<DownloadedFile>;
export async function downloadResult(
  url: string,
  options?: DownloadResultOptions,
): Promise<BinaryData | DownloadedFile>;
export async function downloadResult(
  url: string,
  options: DownloadResultOptions = {},
): Promise<BinaryData | DownloadedFile> {
  const provider = options.provider ?? 'upstream';
  const { response, at } = await follow(url, options, provider);
  const contentType = response.contentType.split(';')[0]?.trim() || 'application/octet-stream';
  const declared = Number(response.headers['content-length']);
  if (options.maxBytes !== undefined && declared > options.maxBytes) {
    await response.dispose();
    throw tooLarge(at, declared, options.maxBytes, provider);
  }
  const chunks = limited(response, at, options.maxBytes, provider);
  if (options.to === undefined) {
    const parts: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of chunks) {
      parts.push(chunk);
      size += chunk.byteLength;
    }
    if (size === 0) throw empty(at, provider);
    return { data: parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, size), contentType };
  }
  const path = typeof options.to === 'string' ? options.to : options.to(contentType);
  const partial = `${path}.partial`;
  let size = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        yield chunk;
      }
    })(),
  );
  try {
    await mkdir(dirname(path), { recursive: true });
    await pipeline(counted, createWriteStream(partial));
    if (size === 0) throw empty(at, provider);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { path, size, contentType };
}

/** The 2xx answer at the end of at most `maxRedirects` redirects, with the URL it came from. */
async function follow(
  url: string,
  options: DownloadResultOptions,
  provider: string,
): Promise<{ response: HttpResponse; at: URL }> {
  const transport = options.transport ?? defaultTransport();
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let at = httpUrl(url, provider);
  for (let hop = 0; ; hop++) {
    const response = await transport.request({
      method: 'GET',
      url: at.href,
      signal: options.signal,
      timeouts: options.timeouts,
      provider,
    });
    if (response.status >= 200 && response.status < 300) return { response, at };
    // Read (small) error and redirect bodies rather than abort them: the connection stays reusable.
    await response.dispose();
    if (!redirects.has(response.status)) throw unavailable(response, at, options, provider);
    const location = response.headers.location;
    if (location === undefined)
      throw failure(`The result at ${at.host} answered HTTP ${response.status} without a location`, provider);
    if (hop >= maxRedirects)
      throw failure(`The result at ${at.host} took more than ${maxRedirects} redirects`, provider);
    at = httpUrl(location, provider, at);
  }
}

/** The result's body, ended with an error once it passes `maxBytes`. */
async function* limited(
  response: HttpResponse,
  at: URL,
  maxBytes: number | undefined,
  provider: string,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    // Leaving the loop by a throw ends the body's reading.
    if (maxBytes !== undefined && size > maxBytes) throw tooLarge(at, undefined, maxBytes, provider);
    yield chunk;
  }
}

function httpUrl(location: string, provider: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    throw failure('The result URL is not a valid URL', provider);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw failure(`The result URL has scheme "${url.protocol}"; only http(s) URLs are downloaded`, provider);
  return url;
}

function unavailable(response: HttpResponse, at: URL, options: DownloadResultOptions, provider: string) {
  const gone = response.status === 403 || response.status === 404 || response.status === 410;
  const expired = options.expiresAt !== undefined && Date.now() >= options.expiresAt;
  const expiry = expired ? ` (it expired at ${new Date(options.expiresAt as number).toISOString()})` : '';
  return httpError({
    status: response.status,
    provider,
    headers: response.headers,
    code: gone ? 'caller_invalid_input' : undefined,
    hint: gone
      ? `The result at ${at.host} is no longer available${expiry}${options.lifetime ? `; ${options.lifetime}` : ''}`
      : undefined,
    details: { host: at.host },
  });
}

function tooLarge(at: URL, size: number | undefined, maxBytes: number, provider: string): InfermuxError {
  return failure(
    `The result at ${at.host} is ${size === undefined ? 'larger than' : `${size} bytes, over`} the ${maxBytes} bytes accepted`,
    provider,
  );
}

function empty(at: URL, provider: string): InfermuxError {
  return failure(`The result at ${at.host} was empty`, provider);
}

function failure(message: string, provider: string): InfermuxError {
  return new InfermuxError({ code: 'provider_bad_response', message, provider });
}
