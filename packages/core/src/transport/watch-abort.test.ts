import { describe, expect, it, vi } from 'vitest';
import { unwatchAbort, watchAbort } from './watch-abort';

describe('watchAbort', () => {
  it('ends every watcher with the signal reason, through one listener per signal', () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const first = { abort: vi.fn() };
    const second = { abort: vi.fn() };
    watchAbort(controller.signal, first);
    watchAbort(controller.signal, second);
    expect(add).toHaveBeenCalledTimes(1);
    controller.abort('gone');
    expect(first.abort).toHaveBeenCalledWith('gone');
    expect(second.abort).toHaveBeenCalledWith('gone');
  });

  it('does not end a watcher that stopped watching, and keeps the one listener for later calls', () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const done = { abort: vi.fn() };
    watchAbort(controller.signal, done);
    unwatchAbort(controller.signal, done);
    const later = { abort: vi.fn() };
    watchAbort(controller.signal, later);
    expect(add).toHaveBeenCalledTimes(1);
    controller.abort(new Error('deadline'));
    expect(done.abort).not.toHaveBeenCalled();
    expect(later.abort).toHaveBeenCalledWith(expect.objectContaining({ message: 'deadline' }));
  });

  it('ends watchers that overlap (a hedge) and only those still watching, in the order they began', () => {
    const controller = new AbortController();
    const ended: string[] = [];
    const watcher = (name: string) => ({ abort: () => ended.push(name) });
    const first = watcher('first');
    const second = watcher('second');
    const third = watcher('third');
    watchAbort(controller.signal, first);
    watchAbort(controller.signal, first);
    watchAbort(controller.signal, second);
    watchAbort(controller.signal, third);
    unwatchAbort(controller.signal, second);
    controller.abort('gone');
    expect(ended).toEqual(['first', 'third']);
  });
});
