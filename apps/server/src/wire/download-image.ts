import { InfermuxError } from '@infermux/core';
import { request } from 'undici';

export interface DownloadLimits {
  /** Largest image accepted, in bytes (checked on `content-length` and while reading). */
  maxBytes: number;
  /** Per download, on top of the request's own deadline. */
  timeoutMs: number;
  maxRedirects: number;
}

/** Generous for one generated image (a 4K PNG is ~10–20 MB), small enough to hold a few in memory. */
export const defaultDownloadLimits: DownloadLimits = { maxBytes: 25 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 3 };

const redirects = new Set([301, 302, 303, 307, 308]);

// Retrying a finished image download through openai-node would buy a second generation: never retryable.
function failure(
  message: string,
  provider: string | undefined,
  code: 'provider_bad_response' | 'provider_timeout' = 'provider_bad_response',
): InfermuxError {
  return new InfermuxError({ code, message, provider, retryable: false });
}

function httpUrl(location: string, provider: string | undefined, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    throw failure('The provider returned an image URL that is not a valid URL.', provider);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw failure(
      `The provider returned an image URL with scheme "${url.protocol}"; only http(s) URLs are downloaded.`,
      provider,
    );
  }
  return url;
}

/**
 * The bytes behind a provider's image URL (to answer `b64_json`): http(s) only, a few redirects,
 * bounded in size and time. The URL names where it came from only by host: signed URLs carry secrets in the query.
 */
export async function downloadImage(
  location: string,
  options: { signal: AbortSignal; provider?: string; limits?: DownloadLimits },
): Promise<Buffer> {
  const limits = options.limits ?? defaultDownloadLimits;
  let url = httpUrl(location, options.provider);
  // Our own timer and controller, not `AbortSignal.any([…, AbortSignal.timeout()])`: Node keeps a timeout
  // signal only weakly and `any` does not hold its sources, so under GC pressure the limit could be
  // collected and never fire (seen in a full test run: a 300 ms limit let a 2 s download through).
  const download = new AbortController();
  const timer = setTimeout(() => download.abort(new Error('download timeout')), limits.timeoutMs);
  const onAbort = (): void => download.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener('abort', onAbort, { once: true });
  const signal = download.signal;
  try {
    for (let hop = 0; ; hop++) {
      const response = await request(url, { method: 'GET', signal });
      if (redirects.has(response.statusCode)) {
        await response.body.dump();
        const next = response.headers.location;
        if (typeof next !== 'string')
          throw failure(
            `Downloading the generated image from ${url.host}: HTTP ${response.statusCode} without a location.`,
            options.provider,
          );
        if (hop >= limits.maxRedirects)
          throw failure(
            `Downloading the generated image from ${url.host} took more than ${limits.maxRedirects} redirects.`,
            options.provider,
          );
        url = httpUrl(next, options.provider, url);
        continue;
      }
      if (response.statusCode >= 400) {
        await response.body.dump();
        throw failure(
          `Downloading the generated image from ${url.host} failed with HTTP ${response.statusCode}.`,
          options.provider,
        );
      }
      const declared = Number(response.headers['content-length']);
      if (declared > limits.maxBytes) {
        // Destroying an undici body emits an abort error: it is expected here, not an uncaught one.
        response.body.on('error', () => {}).destroy();
        throw failure(
          `The generated image at ${url.host} is ${declared} bytes; the gateway converts images up to ${limits.maxBytes} bytes to b64_json.`,
          options.provider,
        );
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).byteLength;
        if (size > limits.maxBytes) {
          // Leaving the loop by a throw closes the body.
          throw failure(
            `The generated image at ${url.host} is larger than ${limits.maxBytes} bytes; the gateway converts images up to that size to b64_json.`,
            options.provider,
          );
        }
        chunks.push(chunk as Buffer);
      }
      if (size === 0) throw failure(`The generated image at ${url.host} was empty.`, options.provider);
      return Buffer.concat(chunks, size);
    }
  } catch (error) {
    if (InfermuxError.isInstance(error)) throw error;
    // The request's own abort (client gone, gateway deadline) is reported by the caller; this is the download's timeout.
    if (signal.aborted && !options.signal.aborted)
      throw failure(
        `Downloading the generated image from ${url.host} took longer than ${limits.timeoutMs} ms.`,
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
      `Downloading the generated image from ${url.host} failed: ${(error as Error).message}`,
      options.provider,
    );
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
  }
}
