import { buildProviders, createClient, type ProviderV1, parseConfig } from '@infermux/core';
import { startFakeEvolink } from '@infermux/testkit';
import { expect, expectTypeOf, it } from 'vitest';
import { evolinkProviderFactory } from './evolink-factory';
import { createEvolink, evolink } from './evolink-provider';
import { testKey } from './test-support/rejection';

it('builds EvoLink from config: base URL, key from apiKeyEnv, custom name', async () => {
  const fake = await startFakeEvolink({ apiKey: testKey });
  try {
    const config = parseConfig({
      providers: { 'evolink-eu': { type: 'evolink', baseURL: fake.baseURL, apiKeyEnv: 'MY_EVOLINK_KEY' } },
    });
    const providers = buildProviders(config, [evolinkProviderFactory], { env: { MY_EVOLINK_KEY: testKey } });
    expect(providers.map((provider) => provider.name)).toEqual(['evolink-eu']);
    const client = createClient({ providers });
    const result = await client.run('chat-completion', {
      model: 'evolink-eu:gpt-5.5',
      input: { messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(result.provider).toBe('evolink-eu');
    expect(fake.server.requests[0]?.headers.authorization).toBe(`Bearer ${testKey}`);
  } finally {
    await fake.close();
  }
});

it('rejects an unknown setting by name', () => {
  const config = parseConfig({ providers: { evolink: { baseURL: 'https://api.evolink.ai', region: 'eu' } } });
  expect(() => buildProviders(config, [evolinkProviderFactory])).toThrow(/region/);
});

it('is a ProviderV1 with a typed factory', () => {
  expectTypeOf(evolink).toExtend<ProviderV1>();
  expectTypeOf(createEvolink)
    .parameter(0)
    .toExtend<{ apiKey?: string; baseURL?: string; textBaseURL?: string } | undefined>();
  expect(evolink.tasks).toEqual({
    'chat-completion': { streaming: true, wire: ['openai'] },
    'image-generation': { async: true, idempotentSubmit: false },
    'video-generation': { async: true, idempotentSubmit: false },
  });
});
