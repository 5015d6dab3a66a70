import { describe, expect, it } from 'vitest';
import { endpointOpenAiUrl, hfInferenceUrl, resolveRouterBase } from './hf-urls';

describe('router base', () => {
  it('defaults to the router and accepts a proxy or the …/hf-inference form', () => {
    expect(resolveRouterBase(undefined)).toEqual({ url: 'https://router.huggingface.co', warnings: [] });
    expect(resolveRouterBase('https://router.huggingface.co/hf-inference/').url).toBe('https://router.huggingface.co');
    expect(resolveRouterBase('http://proxy.internal:8080/hf/').url).toBe('http://proxy.internal:8080/hf');
  });

  it('rewrites the shut-down legacy host (with or without /models/{id}) to the router, with a warning', () => {
    for (const legacy of ['https://api-inference.huggingface.co', 'https://api-inference.huggingface.co/models/gpt2']) {
      const base = resolveRouterBase(legacy);
      expect(base.url).toBe('https://router.huggingface.co');
      expect(base.warnings).toEqual([{ code: 'hf_legacy_base_url', message: expect.stringContaining('shut down') }]);
    }
  });
});

describe('route URLs', () => {
  it('hf-inference: /hf-inference/models/{org}/{name}{suffix}', () => {
    expect(
      hfInferenceUrl(
        'https://router.huggingface.co',
        'sentence-transformers/all-MiniLM-L6-v2',
        '/pipeline/feature-extraction',
      ),
    ).toBe(
      'https://router.huggingface.co/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    );
    expect(hfInferenceUrl('https://router.huggingface.co', 'gpt2')).toBe(
      'https://router.huggingface.co/hf-inference/models/gpt2',
    );
  });

  it.each([
    ['https://x.endpoints.huggingface.cloud', 'https://x.endpoints.huggingface.cloud/v1/chat/completions'],
    ['https://x.endpoints.huggingface.cloud/', 'https://x.endpoints.huggingface.cloud/v1/chat/completions'],
    ['https://x.endpoints.huggingface.cloud/v1', 'https://x.endpoints.huggingface.cloud/v1/chat/completions'],
    [
      'https://x.endpoints.huggingface.cloud/v1/chat/completions',
      'https://x.endpoints.huggingface.cloud/v1/chat/completions',
    ],
    [
      'https://x.endpoints.huggingface.cloud/base?api-version=2',
      'https://x.endpoints.huggingface.cloud/base/v1/chat/completions?api-version=2',
    ],
  ])('dedicated endpoint chat URL %s → %s (wire/hf §1.4)', (endpoint, expected) => {
    expect(endpointOpenAiUrl(endpoint, 'chat/completions')).toBe(expected);
  });

  it('dedicated endpoint completions URL', () => {
    expect(endpointOpenAiUrl('https://x.endpoints.huggingface.cloud/v1/', 'completions')).toBe(
      'https://x.endpoints.huggingface.cloud/v1/completions',
    );
  });
});
