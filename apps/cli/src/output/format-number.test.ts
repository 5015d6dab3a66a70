import { describe, expect, it } from 'vitest';
import { formatNumber } from './format-number';

describe('formatNumber', () => {
  it('drops float noise from sums: six significant digits, never fewer than the cents', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.000123456789)).toBe('0.000123457');
    expect(formatNumber(1234567.891)).toBe('1234567.89');
    expect(formatNumber(183.33333333333334)).toBe('183.333');
  });

  it('keeps integers whole and tiny costs readable (no exponent)', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(0.0000001234)).toBe('0.0000001234');
  });
});
