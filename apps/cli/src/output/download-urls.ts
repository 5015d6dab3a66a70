import { extname, join, resolve } from 'node:path';
import { extensionForContentType } from '@infermux/core';
import { downloadResult } from '@infermux/core/provider-utils';

/** Results can be large videos on slow links: a long whole-download limit, a minute of silence at most. */
const DOWNLOAD_TIMEOUTS = { totalMs: 30 * 60_000, idleMs: 60_000 };

/**
 * Downloads result URLs (they expire, e.g. after 24 h on EvoLink) to `--out`, streaming to disk.
 * Files in a directory are named `<name>-<n>.<ext>` (`name` defaults to the task).
 */
export async function downloadUrls(
  urls: readonly string[],
  options: { out: string; cwd: string; task: string; name?: string; directory?: boolean },
): Promise<string[]> {
  const out = resolve(options.cwd, options.out);
  const asDirectory = options.directory === true || urls.length > 1 || options.out.endsWith('/');
  const paths: string[] = [];
  for (const [index, url] of urls.entries()) {
    const pathFor = (contentType: string): string => {
      const extension = extname(new URL(url).pathname) || `.${extensionForContentType(contentType)}`;
      if (asDirectory) return join(out, `${options.name ?? options.task}-${index + 1}${extension}`);
      return extname(out) ? out : `${out}${extension}`;
    };
    const file = await downloadResult(url, { to: pathFor, timeouts: DOWNLOAD_TIMEOUTS });
    paths.push(file.path);
  }
  return paths;
}
