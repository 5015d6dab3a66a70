import { buildProviders, parseConfig } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { OPENAI_BASE_URL, openaiProviderFactory } from './openai-compatible-factory';
import type { OpenAICompatibleProvider } from './openai-compatible-provider';

describe('openaiProviderFactory (the `openai` preset)', () => {
  it("reads the official SDKs' variables and defaults to OpenAI's base URL", () => {
    expect(openaiProviderFactory.env).toEqual({ apiKey: ['OPENAI_API_KEY'], baseURL: ['OPENAI_BASE_URL'] });
    const config = parseConfig({ providers: { openai: { apiKeyEnv: 'TEAM_OPENAI_KEY' } } });
    const [provider] = buildProviders(config, [openaiProviderFactory], {
      env: { TEAM_OPENAI_KEY: 'sk-team-test-key' },
    }) as OpenAICompatibleProvider[];
    expect(provider?.name).toBe('openai');
    expect(provider?.baseURL).toBe(OPENAI_BASE_URL);
    expect(Object.keys(provider?.tasks ?? {})).toEqual(['chat-completion', 'text-generation', 'feature-extraction']);
  });

  it('without a key is an error naming apiKey and the variable to set', () => {
    const config = parseConfig({ providers: { openai: { type: 'openai' } } });
    expect(() => buildProviders(config, [openaiProviderFactory], { env: {} })).toThrow(
      expect.objectContaining({ code: 'caller_invalid_input', message: expect.stringContaining('OPENAI_API_KEY') }),
    );
    expect(openaiProviderFactory.settingsSchema.safeParse({}).success).toBe(false);
  });
});
