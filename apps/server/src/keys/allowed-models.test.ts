import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../http/request-context';
import { allowedModelAdmits } from './allowed-models';
import { admitModel } from './authenticate';

const llama = 'meta-llama/Llama-3.1-8B-Instruct';

describe('allowedModels entries', () => {
  it.each([
    [llama, llama, true],
    [llama, `${llama}@main`, true],
    [llama, `${llama}@0123456789abcdef0123456789abcdef01234567`, true],
    [llama, `evolink:${llama}`, false],
    [llama, `hf:${llama}`, false],
    [llama, `${llama}:groq`, false],
    [`hf:${llama}`, `hf:${llama}@v1`, true],
    [`hf:${llama}`, llama, false],
    [`hf:${llama}`, `evolink:${llama}`, false],
    [`${llama}@v1`, `${llama}@v1`, true],
    [`${llama}@v1`, `${llama}@v2`, false],
    [`${llama}@v1`, llama, false],
    ['chat', 'chat', true],
    ['chat', 'chat@main', false],
    ['chat', 'hf:chat', false],
    ['gpt2', 'gpt2@main', false],
    [llama, '../x', false],
  ])('%s admits %s: %s', (entry, requested, expected) => {
    expect(allowedModelAdmits(entry, requested)).toBe(expected);
  });
});

describe('admitModel', () => {
  const context = (allowedModels: string[]) => ({ key: { name: 'k', allowedModels } }) as unknown as RequestContext;

  it.each([
    [[llama], `evolink:${llama}`],
    [['chat'], 'chat@main'],
  ])('%j does not admit %s (403 naming the model)', (allowed, model) => {
    expect(() => admitModel(context(allowed), model)).toThrow(expect.objectContaining({ code: 'auth_forbidden' }));
  });
});
