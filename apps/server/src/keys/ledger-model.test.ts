import { formatModelRef, parseModelRef } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { ledgerModel } from './authenticate';

/** What `ledgerModel` books, always by parsing (the skipped parse must not change a single name). */
function parsedLedgerModel(model: string): string {
  try {
    return formatModelRef(parseModelRef(model), { provider: false });
  } catch {
    return model.slice(0, 512);
  }
}

describe('ledgerModel', () => {
  it('books a plain name as the parse would, and still takes references apart', () => {
    const names = [
      'bench-chat',
      'gpt2',
      'org/name',
      'org/name.v2_x',
      'a/b/c',
      '.',
      '..',
      'org/..',
      '/org',
      '',
      'x'.repeat(512),
      'x'.repeat(600),
      'hf:org/name@main',
      'org/name:fastest',
      'evolink:gpt-5.5',
      ' org/name ',
      'org name',
    ];
    for (const name of names) expect(ledgerModel(name), name).toBe(parsedLedgerModel(name));
    expect(ledgerModel('hf:org/name@main')).toBe('org/name@main');
  });
});
