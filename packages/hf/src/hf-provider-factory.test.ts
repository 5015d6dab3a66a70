import { buildProviders, parseConfig } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { hfProviderFactory } from './hf-provider-factory';

describe('hfProviderFactory', () => {
  it('builds the provider from config, with the key from apiKeyEnv', () => {
    const config = parseConfig({
      providers: {
        'hf-eu': {
          type: 'hf',
          apiKeyEnv: 'MY_HF',
          baseURL: 'http://127.0.0.1:9/proxy',
          textGenerationRoute: 'tgi',
          billTo: 'acme',
        },
      },
    });
    const [provider] = buildProviders(config, [hfProviderFactory], { env: { MY_HF: 'hf_configured0000000000000' } });
    expect(provider?.name).toBe('hf-eu');
    expect(Object.keys(provider?.tasks ?? {})).toHaveLength(24);
    expect(provider?.tasks['text-to-video']).toBeUndefined();
    expect(provider?.tasks['chat-completion']).toEqual({ streaming: true, wire: ['openai'] });
  });

  it('rejects unknown settings, naming them', () => {
    const config = parseConfig({ providers: { hf: { endpointURL: 'https://x' } } });
    expect(() => buildProviders(config, [hfProviderFactory])).toThrow(
      expect.objectContaining({ code: 'caller_invalid_input', message: expect.stringContaining('endpointURL') }),
    );
  });

  it('names the env variables it reads', () => {
    expect(hfProviderFactory.env).toEqual({
      apiKey: ['HF_TOKEN', 'HF_API_TOKEN'],
      baseURL: ['HF_BASE_URL', 'HF_INFERENCE_ENDPOINT'],
    });
  });
});
