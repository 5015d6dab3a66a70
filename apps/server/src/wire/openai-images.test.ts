import { describe, expect, it } from 'vitest';
import { defaultImageFormat, formatImage, imageDataUrl } from './openai-images';

const noDownload = async (): Promise<Buffer> => {
  throw new Error('no download expected');
};

describe('response_format', () => {
  it('defaults as OpenAI does: b64_json for GPT image models (requested or resolved name), url otherwise', () => {
    expect(defaultImageFormat(['openai:gpt-image-1'])).toBe('b64_json');
    expect(defaultImageFormat(['my-images', 'gpt-image-1.5'])).toBe('b64_json');
    expect(defaultImageFormat(['evolink:dall-e-3', undefined])).toBe('url');
    expect(defaultImageFormat(['evolink:doubao-seedream-4.0'])).toBe('url');
  });
});

describe('formatImage', () => {
  it('a data: URL carries the sniffed media type', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]).toString('base64');
    expect(imageDataUrl(jpeg)).toBe(`data:image/jpeg;base64,${jpeg}`);
    expect(imageDataUrl(Buffer.from('unknown bytes').toString('base64')).startsWith('data:image/png;base64,')).toBe(
      true,
    );
  });

  it('keeps what already fits; a data: URL asked for as b64_json is decoded without a download', async () => {
    expect(await formatImage({ url: 'https://x/y.png' }, 'url', noDownload)).toEqual({ url: 'https://x/y.png' });
    expect(await formatImage({ b64_json: 'QUJD' }, 'b64_json', noDownload)).toEqual({ b64_json: 'QUJD' });
    expect(await formatImage({ url: 'data:image/png;base64,QUJD' }, 'b64_json', noDownload)).toEqual({
      b64_json: 'QUJD',
    });
    expect(await formatImage({ url: 'https://x/y.png' }, 'b64_json', async () => Buffer.from('ABC'))).toEqual({
      b64_json: 'QUJD',
    });
  });

  it('an image with neither field is a provider error', async () => {
    await expect(formatImage({}, 'url', noDownload)).rejects.toMatchObject({ code: 'provider_bad_response' });
  });
});
