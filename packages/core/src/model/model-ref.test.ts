import { describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { formatModelRef, isPinnedRevision, modelIdPath, parseModelRef } from './model-ref';

describe('parseModelRef', () => {
  it.each([
    ['gpt2', { id: 'gpt2' }],
    ['openai-community/gpt2', { id: 'openai-community/gpt2' }],
    ['org/name@main', { id: 'org/name', revision: 'main' }],
    ['org/name@v1.0.2', { id: 'org/name', revision: 'v1.0.2' }],
    ['org/name@refs/pr/1', { id: 'org/name', revision: 'refs/pr/1' }],
    [
      'hf:org/name@0123456789abcdef0123456789abcdef01234567',
      { provider: 'hf', id: 'org/name', revision: '0123456789abcdef0123456789abcdef01234567' },
    ],
    ['openai/gpt-oss-120b:groq', { id: 'openai/gpt-oss-120b', variant: 'groq' }],
    ['hf:openai/gpt-oss-120b:fastest', { provider: 'hf', id: 'openai/gpt-oss-120b', variant: 'fastest' }],
    ['org/name@main:cheapest', { id: 'org/name', revision: 'main', variant: 'cheapest' }],
    ['evolink:gpt-5.5', { provider: 'evolink', id: 'gpt-5.5' }],
    ['evolink:doubao-seedream-4.0', { provider: 'evolink', id: 'doubao-seedream-4.0' }],
    ['  org/name  ', { id: 'org/name' }],
    ['Org_Name/Model.V2', { id: 'Org_Name/Model.V2' }],
  ])('%s', (text, expected) => {
    expect(parseModelRef(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['org/name@', 'revision after "@" is empty'],
    ['a/b/c', 'at most one "/"'],
    ['/name', 'at most one "/"'],
    ['org/name:', 'variant after ":" is empty'],
    ['https://example.com/model', 'a URL is not a model id'],
    ['org/name@bad..rev', 'not a valid git revision'],
    ['org/my model', 'whitespace'],
    ['..', 'cannot be empty, "." or ".."'],
    ['../whoami-v2', 'cannot be empty, "." or ".."'],
    ['org/..', 'cannot be empty, "." or ".."'],
    ['./name', 'cannot be empty, "." or ".."'],
    ['hf:../x', 'cannot be empty, "." or ".."'],
    ['org//name', 'at most one "/"'],
    ['org%2Fname', '"%"'],
    ['%2e%2e', '"%"'],
    ['org/na\u0000me', 'control character'],
    ['org/na\nme', 'control character'],
    ['org/na\u0085me', 'control character'],
    ['org\\name', '"\\"'],
    ['org/\ud800name', 'lone surrogate'],
    ['org/name@main/./x', 'not a valid git revision'],
    ['org/name@a//b', 'not a valid git revision'],
    [`org/${'a'.repeat(600)}`, 'longer than 512'],
  ])('rejects %j', (text, reason) => {
    const error = (() => {
      try {
        parseModelRef(text);
      } catch (caught) {
        return caught;
      }
    })();
    expect(InfermuxError.isInstance(error)).toBe(true);
    expect((error as InfermuxError).code).toBe('caller_invalid_input');
    expect((error as InfermuxError).message).toContain(reason);
  });

  it('round-trips through formatModelRef', () => {
    for (const text of ['hf:org/name@refs/pr/1:groq', 'org/name', 'evolink:gpt-5.5', 'org/name@main']) {
      expect(formatModelRef(parseModelRef(text))).toBe(text);
    }
    expect(formatModelRef(parseModelRef('hf:org/name@main'), { provider: false })).toBe('org/name@main');
  });

  it('knows a pinned revision is a full commit sha only', () => {
    expect(isPinnedRevision('0123456789abcdef0123456789abcdef01234567')).toBe(true);
    expect(isPinnedRevision('main')).toBe(false);
    expect(isPinnedRevision('0123456')).toBe(false);
    expect(isPinnedRevision(undefined)).toBe(false);
  });
});

describe('modelIdPath', () => {
  it('encodes each part and keeps the one "/"', () => {
    expect(modelIdPath('org/name v2')).toBe('org/name%20v2');
    expect(modelIdPath('gpt2')).toBe('gpt2');
  });

  it.each(['..', '../x', 'org/..', '.', '', 'a//b', 'org/\ud800', 'a%2Fb', 'a\u0000b'])(
    'refuses %j with a 400 naming the model field (never throws a URIError)',
    (id) => {
      let caught: unknown;
      try {
        modelIdPath(id);
      } catch (error) {
        caught = error;
      }
      expect(InfermuxError.isInstance(caught)).toBe(true);
      expect((caught as InfermuxError).status).toBe(400);
      expect((caught as InfermuxError).details?.field).toBe('model');
    },
  );
});
