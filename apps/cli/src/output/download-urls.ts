import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHttpTransport, extensionForContentType, InfermuxError } from '@infermux/core';

/**
 * Downloads result URLs (they expire, e.g. after 24 h on EvoLink) to `--out`, streaming to disk.
 * Files in a directory are named `<name>-<n>.<ext>` (`name` defaults to the task).
 */
export async function downloadUrls(
  urls: readonly string[],
  options: { out: string; cwd: string; task: string; name?: string; directory?: boolean },
): Promise<string[]> {
  const transport = createHttpTransport({ timeouts: { totalMs: 30 * 60_000, idleMs: 60_000 } });
  const out = resolve(options.cwd, options.out);
  const asDirectory = options.directory === true || urls.length > 1 || options.out.endsWith('/');
  const paths: string[] = [];
  for (const [index, url] of urls.entries()) {
    const response = await transport.request({ method: 'GET', url });
    if (response.status >= 400) {
      await response.dispose();
      throw new InfermuxError({
        code: 'provider_bad_response',
        message: `Downloading the result from ${new URL(url).host} failed with HTTP ${response.status}`,
        details: { status: response.status },
      });
    }
    const urlExtension = extname(new URL(url).pathname);
    const extension = urlExtension || `.${extensionForContentType(response.contentType)}`;
    const path = asDirectory
      ? join(out, `${options.name ?? options.task}-${index + 1}${extension}`)
      : extname(out)
        ? out
        : `${out}${extension}`;
    await mkdir(dirname(path), { recursive: true });
    await pipeline(Readable.from(response.body), createWriteStream(path));
    paths.push(path);
  }
  return paths;
}
