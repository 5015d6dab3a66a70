import { describe, expect, it } from 'vitest';
import { buildHeaders, createHeaderCache, withBodyHeaders } from './request-headers';

describe('buildHeaders', () => {
  it('lower-cases settings then call headers; only the key sets authorization; fixed headers come last', () => {
    expect(
      buildHeaders({
        settings: { 'X-Team': 'ml', Authorization: 'Bearer settings', 'X-HF-Bill-To': 'caller-set' },
        call: { 'x-team': 'call', AUTHORIZATION: 'Bearer call' },
        apiKey: 'sk-key',
        fixed: { 'x-hf-bill-to': 'acme' },
      }),
    ).toEqual({ 'x-team': 'call', 'x-hf-bill-to': 'acme', authorization: 'Bearer sk-key' });
    expect(buildHeaders({ settings: { Authorization: 'Bearer nope' } })).toEqual({});
  });
});

describe('createHeaderCache', () => {
  it('shares one frozen object between plain calls until the key or settings change', () => {
    const headersFor = createHeaderCache();
    const settings = { 'X-Team': 'ml' };
    const first = headersFor({ settings, apiKey: 'key-1' });
    expect(first).toEqual({ 'x-team': 'ml', authorization: 'Bearer key-1' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(headersFor({ settings, apiKey: 'key-1' })).toBe(first);
    const rotated = headersFor({ settings, apiKey: 'key-2' });
    expect(rotated).not.toBe(first);
    expect(rotated.authorization).toBe('Bearer key-2');
    expect(headersFor({ settings: { 'X-Team': 'other' }, apiKey: 'key-2' })['x-team']).toBe('other');
  });

  it('builds a call with headers of its own afresh', () => {
    const headersFor = createHeaderCache();
    const plain = headersFor({ apiKey: 'k' });
    const withCall = headersFor({ call: { 'x-trace': '1' }, apiKey: 'k' });
    expect(withCall).toEqual({ 'x-trace': '1', authorization: 'Bearer k' });
    expect(Object.isFrozen(withCall)).toBe(false);
    expect(headersFor({ apiKey: 'k' })).toBe(plain);
  });
});

describe('withBodyHeaders', () => {
  it('sets accept and content-type over any a caller sent; reuses them for shared headers', () => {
    const shared = createHeaderCache()({ settings: { accept: 'text/html' }, apiKey: 'k' });
    const json = withBodyHeaders(shared, 'application/json', 'application/json');
    expect(json).toEqual({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer k' });
    expect(withBodyHeaders(shared, 'application/json', 'application/json')).toBe(json);
    expect(withBodyHeaders(shared, 'text/event-stream', 'application/json').accept).toBe('text/event-stream');
    expect(withBodyHeaders(shared, undefined, 'image/png')).toEqual({
      accept: 'text/html',
      'content-type': 'image/png',
      authorization: 'Bearer k',
    });
  });

  it('builds per call for headers it did not make (a call with headers of its own)', () => {
    const own = { 'x-trace': '1' };
    const first = withBodyHeaders(own, 'application/json', undefined);
    expect(first).toEqual({ 'x-trace': '1', accept: 'application/json' });
    expect(withBodyHeaders(own, 'application/json', undefined)).not.toBe(first);
    expect(own).toEqual({ 'x-trace': '1' });
  });
});
