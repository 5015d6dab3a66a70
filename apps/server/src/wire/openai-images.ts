import { InfermuxError, sniffContentType } from '@infermux/core';

export type ImageResponseFormat = 'url' | 'b64_json';

/** An image as providers return it: a URL (EvoLink, dall-e) or base64 (gpt-image). */
export interface ProviderImage {
  url?: string;
  b64_json?: string;
}

/** OpenAI's GPT image models answer base64 only and take no `response_format`; dall-e defaults to `url`. */
const gptImageModel = /(^|[:/])gpt-image/i;

/** OpenAI's default when unset: `b64_json` for GPT image models (requested or resolved name), `url` for the rest. */
export function defaultImageFormat(modelNames: ReadonlyArray<string | undefined>): ImageResponseFormat {
  return modelNames.some((name) => name !== undefined && gptImageModel.test(name)) ? 'b64_json' : 'url';
}

/** The base64 payload of a `data:…;base64,` URL, or undefined for anything else. */
function dataUrlBase64(url: string): string | undefined {
  return /^data:[^,]*;base64,(.*)$/s.exec(url)?.[1];
}

/**
 * A `data:` URL for base64 image bytes: the gateway keeps no blob store to host them, so a caller
 * that asked for `url` gets the image inline (browsers, `fetch` and `<img>` read it as any URL).
 */
export function imageDataUrl(base64: string): string {
  const head = Buffer.from(base64.slice(0, 24), 'base64');
  return `data:${sniffContentType(head) ?? 'image/png'};base64,${base64}`;
}

/** One image in the asked-for format; `download` fetches a URL's bytes when base64 was asked for. */
export async function formatImage(
  image: ProviderImage,
  format: ImageResponseFormat,
  download: (url: string) => Promise<Buffer>,
): Promise<{ url: string } | { b64_json: string }> {
  if (format === 'url') {
    if (image.url) return { url: image.url };
    if (image.b64_json) return { url: imageDataUrl(image.b64_json) };
  } else {
    if (image.b64_json) return { b64_json: image.b64_json };
    if (image.url) return { b64_json: dataUrlBase64(image.url) ?? (await download(image.url)).toString('base64') };
  }
  throw new InfermuxError({
    code: 'provider_bad_response',
    message: 'The provider returned an image with neither a url nor b64_json.',
    retryable: false,
  });
}
