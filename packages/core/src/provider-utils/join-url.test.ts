import { expect, it } from 'vitest';
import { joinURL, withoutTrailingSlashes } from './join-url';

it('joins without doubling or losing the slash', () => {
  expect(joinURL('http://host/v1/', '/chat/completions')).toBe('http://host/v1/chat/completions');
  expect(joinURL('http://host/v1', 'models')).toBe('http://host/v1/models');
  expect(withoutTrailingSlashes('https://huggingface.co//')).toBe('https://huggingface.co');
});
