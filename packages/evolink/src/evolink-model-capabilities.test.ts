import { createClient } from '@infermux/core';
import { type FakeEvolink, startFakeEvolink } from '@infermux/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkModelCapabilities } from './evolink-model-capabilities';
import { createEvolink } from './evolink-provider';
import { rejection, testKey } from './test-support/rejection';

let fake: FakeEvolink;
beforeAll(async () => {
  fake = await startFakeEvolink({ apiKey: testKey });
});
afterAll(() => fake.close());
beforeEach(() => fake.server.reset());

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { issues: Array<{ path: string; message: string }> }).issues;
  }
  throw new Error('expected a ValidationError');
};

describe('model capabilities, checked before the call', () => {
  it('names a field the model does not take, and sends nothing', async () => {
    const client = createClient({ providers: [createEvolink({ apiKey: testKey, baseURL: fake.baseURL })] });
    const error = await rejection(
      client.submit('video-generation', { model: 'evolink:sora-2', input: { prompt: 'x', quality: '1080p' } }),
    );
    expect(error.code).toBe('caller_invalid_input');
    expect(error.message).toContain('quality: not taken by sora-2 (it takes: aspect_ratio, image_urls, duration)');
    expect(fake.server.requestCount).toBe(0);
  });

  it.each([
    [
      'image-generation',
      'doubao-seedream-4.0',
      { prompt: 'x', size: '5:7' },
      'size',
      'expected a ratio (1:1, 16:9, …), 1K/2K/4K or WxH (got "5:7")',
    ],
    ['image-generation', 'doubao-seedream-4.0', { prompt: 'x', n: 16 }, 'n', 'expected 1–15 (got 16)'],
    [
      'image-generation',
      'doubao-seedream-4.0',
      { prompt: 'x', aspect_ratio: '16:9' },
      'aspect_ratio',
      'give the ratio as `size` (e.g. size: "16:9")',
    ],
    [
      'image-generation',
      'gpt-image-1',
      { prompt: 'x', size: '16:9' },
      'size',
      'expected one of 1024x1024, 1024x1536, 1536x1024',
    ],
    [
      'image-generation',
      'gpt-image-1',
      { prompt: 'x', mask_url: 'https://example.com/m.png' },
      'mask_url',
      'not taken by gpt-image-1',
    ],
    ['video-generation', 'sora-2-pro', { prompt: 'x', duration: 20 }, 'duration', 'expected one of 15, 25 (got 20)'],
    [
      'video-generation',
      'sora-2',
      { prompt: 'x', image_urls: ['https://a/1.png', 'https://a/2.png'] },
      'image_urls',
      'at most 1 item (got 2)',
    ],
    [
      'video-generation',
      'seedance-1.5-pro',
      { prompt: 'x', quality: '4k' },
      'quality',
      'expected one of 480p, 720p, 1080p',
    ],
    ['video-generation', 'sora-2', { prompt: 'x', seed: 3 }, 'seed', 'not taken by sora-2'],
    ['image-generation', 'sora-2', { prompt: 'x' }, 'model', '"sora-2" is a video model; use task "video-generation"'],
  ] as const)('%s %s %o → %s', (task, model, input, path, message) => {
    const issues = issuesOf(() => checkModelCapabilities(task, model, input as never));
    expect(issues).toEqual([expect.objectContaining({ path, message: expect.stringContaining(message) })]);
  });

  it('checks cross-field rules (Seedream: reference images + outputs ≤ 15)', () => {
    const images = Array.from({ length: 12 }, (_, index) => `https://example.com/${index}.png`);
    const issues = issuesOf(() =>
      checkModelCapabilities('image-generation', 'doubao-seedream-4.0', { prompt: 'x', n: 4, image_urls: images }),
    );
    expect(issues).toEqual([{ path: 'n', message: 'reference images + outputs must be ≤ 15 for Seedream (got 16)' }]);
  });

  it('accepts what the model takes, and passes an unknown model through with a warning', () => {
    expect(
      checkModelCapabilities('image-generation', 'doubao-seedream-4.0', { prompt: 'x', size: '2048x2048', n: 3 }),
    ).toEqual([]);
    expect(
      checkModelCapabilities('video-generation', 'sora-2-preview', { prompt: 'x', duration: 8, aspect_ratio: '9:16' }),
    ).toEqual([]);
    expect(checkModelCapabilities('video-generation', 'kling-v3-text-to-video', { prompt: 'x', duration: 5 })).toEqual([
      expect.objectContaining({ code: 'model_capabilities_unknown' }),
    ]);
  });
});
