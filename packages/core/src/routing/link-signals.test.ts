import { describe, expect, it } from 'vitest';
import { linkSignals } from './link-signals';

describe('linkSignals', () => {
  it('aborts with the first source reason, and stops following the sources once disposed', () => {
    const first = new AbortController();
    const second = new AbortController();
    const linked = linkSignals([first.signal, undefined, second.signal]);
    second.abort('because');
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('because');

    const other = linkSignals([first.signal]);
    other.dispose();
    first.abort();
    expect(other.signal.aborted).toBe(false);
  });

  it('is aborted at once when a source already is', () => {
    expect(linkSignals([AbortSignal.abort('early')]).signal.reason).toBe('early');
  });
});
