import { z } from 'zod';

/**
 * An image, audio or video input. Accepted forms: bytes (Uint8Array / ArrayBuffer / Buffer),
 * a Blob, a `data:` URL, an `http(s)://` URL, or a file path (only where the caller
 * allows file paths: the CLI and the server, never a library call by default).
 */
export type BinaryInput = Uint8Array | ArrayBuffer | Blob | string;

export const binaryInputSchema = z.union(
  [
    z.custom<Uint8Array>((value) => value instanceof Uint8Array),
    z.instanceof(ArrayBuffer),
    z.custom<Blob>((value) => typeof Blob !== 'undefined' && value instanceof Blob),
    z.string().min(1, 'expected bytes, a Blob, a data: URL, an http(s) URL or a file path (got an empty string)'),
  ],
  { error: 'expected bytes (Uint8Array/ArrayBuffer), a Blob, a data: URL, an http(s) URL or a file path' },
);

/** Bytes with their media type: what binary outputs (images, audio, video) carry. */
export interface BinaryData {
  data: Uint8Array;
  contentType: string;
}

export const binaryDataSchema = z.object({
  // z.custom keeps the type `Uint8Array` (any buffer), so a Node Buffer fits.
  data: z.custom<Uint8Array>((value) => value instanceof Uint8Array, { error: 'expected bytes (Uint8Array)' }),
  contentType: z.string(),
});
