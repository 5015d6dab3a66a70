import { type BinaryData, sniffContentType } from '@infermux/core';
import { parseUpstream, unexpectedBody } from '@infermux/core/provider-utils';
import { z } from 'zod';
import type { HfResponseBody, HfResponseContext } from './task-mapping';

/** JSON forms some backends use instead of raw media bytes, each decoded to bytes. */
const base64Images = z.looseObject({ data: z.array(z.looseObject({ b64_json: z.string() })).min(1) });
const legacyAudio = z.array(z.looseObject({ blob: z.string(), 'content-type': z.string() })).min(1);

function fromBase64(text: string, declared?: string): BinaryData {
  const data = Uint8Array.from(Buffer.from(text, 'base64'));
  return { data, contentType: declared ?? sniffContentType(data) ?? 'application/octet-stream' };
}

/**
 * Media out (wire/hf §5.19, §5.20, §5.24): hf-inference answers raw bytes with a media `Content-Type`. Also
 * accepted: `{data: [{b64_json}]}` (other image backends, read by huggingface.js) and the older
 * `[{blob, content-type}]` audio JSON.
 */
export function binaryOutput(body: HfResponseBody, context: HfResponseContext, kind: 'image' | 'audio'): BinaryData {
  if (body.kind === 'binary') {
    if (body.binary.data.byteLength === 0)
      throw unexpectedBody(`expected ${kind} bytes, got an empty body`, '', context);
    return body.binary;
  }
  if (kind === 'image') {
    const parsed = parseUpstream(base64Images, body.json, context, `${kind} bytes or {data: [{b64_json}]}`);
    return fromBase64((parsed.data[0] as { b64_json: string }).b64_json);
  }
  const parsed = parseUpstream(legacyAudio, body.json, context, `${kind} bytes or [{blob, content-type}]`);
  const first = parsed[0] as { blob: string; 'content-type': string };
  return fromBase64(first.blob, first['content-type']);
}
