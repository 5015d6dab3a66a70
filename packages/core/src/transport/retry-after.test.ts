import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('prefers retry-after-ms', () =>
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250));
  it('reads seconds', () => expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000));
  it('reads fractional seconds', () => expect(parseRetryAfter({ 'retry-after': '1.5' }, now)).toBe(1500));
  it('reads an HTTP date', () =>
    expect(parseRetryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, now)).toBe(7000));
  it('clamps a past date to 0', () =>
    expect(parseRetryAfter({ 'retry-after': 'Wed, 31 Dec 2025 00:00:00 GMT' }, now)).toBe(0));
  it('ignores garbage', () => expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined());
  it('is undefined when absent', () => expect(parseRetryAfter({}, now)).toBeUndefined());
});
