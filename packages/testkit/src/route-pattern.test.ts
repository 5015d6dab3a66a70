import { describe, expect, it } from 'vitest';
import { compileRoutePattern } from './route-pattern.js';

describe('compileRoutePattern', () => {
  it('matches exact paths only exactly', () => {
    const match = compileRoutePattern('/v1/models');
    expect(match('/v1/models')).toEqual({});
    expect(match('/v1/models/')).toBeUndefined();
    expect(match('/v1/models/gpt2')).toBeUndefined();
  });

  it('captures :params as single decoded segments', () => {
    const match = compileRoutePattern('/models/:owner/:name');
    expect(match('/models/openai-community/gpt2')).toEqual({ owner: 'openai-community', name: 'gpt2' });
    expect(match('/models/a%20b/c%2Fd')).toEqual({ owner: 'a b', name: 'c/d' });
    expect(match('/models/only-owner')).toBeUndefined();
    expect(match('/models/a/b/c')).toBeUndefined();
  });

  it('lets * span slashes and numbers wildcards by position', () => {
    const match = compileRoutePattern('/:owner/:repo/resolve/:revision/*');
    expect(match('/org/model/resolve/main/onnx/model.onnx')).toEqual({
      owner: 'org',
      repo: 'model',
      revision: 'main',
      '0': 'onnx/model.onnx',
    });
    expect(compileRoutePattern('/a/*/b/*')('/a/x/y/b/z')).toEqual({ '0': 'x/y', '1': 'z' });
  });

  it('treats RegExp metacharacters in templates literally', () => {
    const match = compileRoutePattern('/v1/models/:id.json');
    expect(match('/v1/models/gpt2.json')).toEqual({ id: 'gpt2' });
    expect(match('/v1/models/gpt2xjson')).toBeUndefined();
  });

  it('exposes RegExp groups by position and by name, and ignores the global flag state', () => {
    const match = compileRoutePattern(/^\/models\/(?<owner>[^/]+)\/([^/]+)$/g);
    const expected = { '0': 'org', '1': 'name', owner: 'org' };
    expect(match('/models/org/name')).toEqual(expected);
    // A global RegExp used directly would fail this second call (lastIndex left past the end).
    expect(match('/models/org/name')).toEqual(expected);
    expect(match('/other')).toBeUndefined();
  });
});
