import { InfermuxError } from '@infermux/core';
import { downloadResult } from '@infermux/core/provider-utils';

export interface DownloadLimits {
  /** Largest image accepted, in bytes (checked on `content-length` and while reading). */
  maxBytes: number;
  /** Per download, on top of the request's own deadline. */
  timeoutMs: number;
  maxRedirects: number;
}

/** Generous for one generated image (a 4K PNG is ~10–20 MB), small enough to hold a few in memory. */
export const defaultDownloadLimits: DownloadLimits = { maxBytes: 25 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 3 };

/**
 * The bytes behind a provider's image URL (to answer `b64_json`), through core's result download: http(s)
 * only, a few redirects, bounded in size and time, errors naming the host only (signed URLs carry secrets
 * in the query). Retrying a finished image download through openai-node would buy a second generation, so
 * every failure here is final (not retryable).
 */
export async function downloadImage(
  location: string,
  options: { signal: AbortSignal; provider?: string; limits?: DownloadLimits },
): Promise<Buffer> {
  const limits = options.limits ?? defaultDownloadLimits;
  // Our own timer and controller, not `AbortSignal.any([…, AbortSignal.timeout()])`: Node keeps a timeout
  // signal only weakly and `any` does not hold its sources, so under GC pressure the limit could be
  // collected and never fire (seen in a full test run: a 300 ms limit let a 2 s download through).
  const download = new AbortController();
  const timer = setTimeout(() => download.abort(new Error('download timeout')), limits.timeoutMs);
  const onAbort = (): void => download.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const image = await downloadResult(location, {
      signal: download.signal,
      provider: options.provider,
      maxBytes: limits.maxBytes,
      maxRedirects: limits.maxRedirects,
    });
    return Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  } catch (error) {
    // The request's own abort (client gone, gateway deadline) is reported as such; this is the download's timeout.
    if (download.signal.aborted && !options.signal.aborted)
      throw failure(
        `Downloading the generated image from ${hostOf(location)} took longer than ${limits.timeoutMs} ms.`,
        options.provider,
        'provider_timeout',
      );
    if (options.signal.aborted) {
      const timeout = options.signal.reason === 'timeout';
      throw new InfermuxError({
        code: timeout ? 'gateway_timeout' : 'caller_aborted',
        message: timeout
          ? 'The request took longer than the gateway allows (server.timeouts.requestMs) while downloading the generated image.'
          : 'The client went away.',
      });
    }
    throw failure(
      `Downloading the generated image failed: ${error instanceof Error ? error.message : String(error)}`,
      options.provider,
      'provider_bad_response',
      error,
    );
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}

function failure(
  message: string,
  provider: string | undefined,
  code: 'provider_bad_response' | 'provider_timeout',
  cause?: unknown,
): InfermuxError {
  return new InfermuxError({ code, message, provider, retryable: false, cause });
}

function hostOf(location: string): string {
  try {
    return new URL(location).host;
  } catch {
    return 'the provider';
  }
}
