import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { downloadUrls } from '../output/download-urls';
import { findResultUrls } from '../output/result-urls';

/** A file-name-safe stem per item id; a hash keeps two ids that clean up alike ("a/b", "a_b") apart. */
function fileStem(id: string | number): string {
  const text = String(id);
  const clean = text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  return clean === text ? clean : `${clean}-${createHash('sha1').update(text).digest('hex').slice(0, 8)}`;
}

/**
 * Downloads a finished job's result files into the batch directory (`<id>-<n>.<ext>`) and
 * returns their paths relative to it, for the item's record. Result URLs expire (EvoLink: 24 h).
 */
export async function downloadItemFiles(
  output: unknown,
  options: { id: string | number; directory: string; task: string },
): Promise<string[]> {
  const urls = findResultUrls(output);
  if (urls.length === 0) return [];
  const paths = await downloadUrls(urls, {
    out: options.directory,
    cwd: options.directory,
    task: options.task,
    name: fileStem(options.id),
    directory: true,
  });
  return paths.map((path) => relative(options.directory, path));
}
