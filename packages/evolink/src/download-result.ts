import type { BinaryData } from '@infermux/core';
import {
  type DownloadedFile,
  type DownloadResultOptions,
  downloadResult as download,
} from '@infermux/core/provider-utils';

export type EvolinkDownloadOptions = Omit<DownloadResultOptions, 'lifetime'>;

/**
 * Fetches a job result (an image or video URL) through core's download: no credential is sent (result
 * links are public), and a dead link says that EvoLink keeps results for 24 hours. Bytes in memory, or
 * streamed to a file.
 */
export function downloadResult(url: string, options?: EvolinkDownloadOptions & { to?: undefined }): Promise<BinaryData>;
export function downloadResult(
  url: string,
  options: EvolinkDownloadOptions & { to: NonNullable<DownloadResultOptions['to']> },
): Promise<DownloadedFile>;
export function downloadResult(
  url: string,
  options: EvolinkDownloadOptions = {},
): Promise<BinaryData | DownloadedFile> {
  return download(url, { provider: 'evolink', ...options, lifetime: 'EvoLink result links are valid for 24 hours' });
}
