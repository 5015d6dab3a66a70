import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BinaryData, createHttpTransport, httpError, type Timeouts, type Transport } from '@infermux/core';

export interface DownloadResultOptions {
  /** Write to this file instead of returning the bytes. Written to `<to>.partial`, then renamed: no half files. */
  to?: string;
  transport?: Transport;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  /** For error messages; default `evolink`. */
  provider?: string;
  /** The job's `expiresAt` (unix ms), to explain a dead link. */
  expiresAt?: number;
}

export interface DownloadedFile {
  path: string;
  size: number;
  contentType: string;
}

let sharedTransport: Transport | undefined;

/**
 * Fetches a job result (an image or video URL). Result links are public and expire (EvoLink: 24 h),
 * so no credential is sent and a dead link says so. Bytes in memory, or streamed to a file.
 */
export async function downloadResult(
  url: string,
  options?: DownloadResultOptions & { to?: undefined },
): Promise<BinaryData>;
export async function downloadResult(
  url: string,
  options: DownloadResultOptions & { to: string },
): Promise<DownloadedFile>;
export async function downloadResult(
  url: string,
  options: DownloadResultOptions = {},
): Promise<BinaryData | DownloadedFile> {
  const provider = options.provider ?? 'evolink';
  const transport = options.transport ?? (sharedTransport ??= createHttpTransport());
  const response = await transport.request({
    method: 'GET',
    url,
    signal: options.signal,
    timeouts: options.timeouts,
    provider,
  });
  const contentType = response.contentType.split(';')[0]?.trim() || 'application/octet-stream';
  if (response.status < 200 || response.status >= 300) {
    // Read (small) error bodies rather than abort them: the connection stays reusable.
    await response.text().catch(() => undefined);
    const gone = response.status === 403 || response.status === 404 || response.status === 410;
    const expired = options.expiresAt !== undefined && Date.now() >= options.expiresAt;
    throw httpError({
      status: response.status,
      provider,
      headers: response.headers,
      code: gone ? 'caller_invalid_input' : undefined,
      hint: gone
        ? `The result ${withoutQuery(url)} is no longer available${expired ? ` (it expired at ${new Date(options.expiresAt as number).toISOString()})` : ''}; EvoLink result links are valid for 24 hours`
        : undefined,
      // Signed links carry credentials in the query string: keep it out of errors.
      details: { url: withoutQuery(url) },
    });
  }
  if (!options.to) return { data: await response.bytes(), contentType };
  const partial = `${options.to}.partial`;
  let size = 0;
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of response.body) {
        size += chunk.byteLength;
        yield chunk;
      }
    })(),
  );
  try {
    await pipeline(counted, createWriteStream(partial));
    await rename(partial, options.to);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { path: options.to, size, contentType };
}

function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
