import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../errors/secret-redaction';
import { loadApiKey } from './load-api-key';

describe('loadApiKey', () => {
  it('prefers the given key, then reads the env variables in order, trimmed, at call time', () => {
    const env: Record<string, string | undefined> = {};
    const source = { provider: 'hf', envNames: ['HF_TOKEN', 'HF_API_TOKEN'], env };
    expect(loadApiKey({ ...source, apiKey: ' given-key-123 ' })).toBe('given-key-123');
    env.HF_API_TOKEN = 'older-name-key\n';
    expect(loadApiKey(source)).toBe('older-name-key');
    env.HF_TOKEN = 'newer-name-key';
    expect(loadApiKey(source)).toBe('newer-name-key');
  });

  it('registers the key as a secret, so no error or log shows it', () => {
    loadApiKey({ provider: 'x', apiKey: 'odd-secret-4f9a2c7' });
    expect(redactSecrets('echoed odd-secret-4f9a2c7 back')).toBe('echoed [REDACTED] back');
  });

  it('missing: auth_missing_credentials naming the env variables and the hint', () => {
    let error: unknown;
    try {
      loadApiKey({ provider: 'hf', envNames: ['HF_TOKEN', 'HF_API_TOKEN'], env: {}, hint: 'a token from the site' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'auth_missing_credentials',
      status: 401,
      provider: 'hf',
      message:
        'No API key for provider "hf". Set the HF_TOKEN (or HF_API_TOKEN) environment variable or pass `apiKey`: a token from the site.',
      details: { envVariable: 'HF_TOKEN', envVariables: ['HF_TOKEN', 'HF_API_TOKEN'] },
    });
    expect(() => loadApiKey({ provider: 'vllm' })).toThrow('No API key for provider "vllm". Pass `apiKey`.');
  });

  it('not required: no key is fine', () => {
    expect(loadApiKey({ provider: 'vllm', required: false })).toBeUndefined();
    expect(loadApiKey({ provider: 'hf', envNames: ['HF_TOKEN'], env: { HF_TOKEN: '  ' }, required: false })).toBe(
      undefined,
    );
  });
});
