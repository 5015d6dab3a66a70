import { describe, expect, it } from 'vitest';
import { EventHub, type InfermuxEvent } from './routing-events';

const cacheHit = { type: 'cache-hit', task: 'text-generation', route: 'r', requestId: 'q' } as const;
const waited = { type: 'rate-limit-wait', provider: 'p', waitMs: 5, requestId: 'q' } as const;

describe('EventHub', () => {
  it('gives a listener every event, or only the types it asked for, and says which types anyone takes', () => {
    const hub = new EventHub();
    expect(hub.listening).toBe(false);
    expect(hub.listensTo('cache-hit')).toBe(false);
    const some: InfermuxEvent[] = [];
    const offSome = hub.on((event) => some.push(event), ['rate-limit-wait']);
    expect(hub.listening).toBe(true);
    expect(hub.listensTo('rate-limit-wait')).toBe(true);
    expect(hub.listensTo('cache-hit')).toBe(false);
    hub.emit({ ...cacheHit });
    hub.emit({ ...waited });
    expect(some.map((event) => event.type)).toEqual(['rate-limit-wait']);

    const all: InfermuxEvent[] = [];
    const offAll = hub.on((event) => all.push(event));
    expect(hub.listensTo('cache-hit')).toBe(true);
    hub.emit({ ...cacheHit });
    expect(all.map((event) => event.type)).toEqual(['cache-hit']);
    expect(some).toHaveLength(1);
    offAll();
    expect(hub.listensTo('cache-hit')).toBe(false);
    offSome();
    offSome();
    expect(hub.listensTo('rate-limit-wait')).toBe(false);
    expect(hub.listening).toBe(false);
  });

  it('subscribing a listener again replaces its types', () => {
    const hub = new EventHub();
    const seen: string[] = [];
    const listener = (event: InfermuxEvent) => seen.push(event.type);
    hub.on(listener, ['cache-hit']);
    const off = hub.on(listener, ['rate-limit-wait']);
    expect(hub.listensTo('cache-hit')).toBe(false);
    hub.emit({ ...cacheHit });
    hub.emit({ ...waited });
    expect(seen).toEqual(['rate-limit-wait']);
    off();
    expect(hub.listening).toBe(false);
  });
});
