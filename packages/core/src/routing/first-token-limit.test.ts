import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../client/create-client';
import type { ProviderV1, StreamPart } from '../provider/provider';
import { startTestFleet, type TestFleet } from '../test-support/test-fleet';

const input = { messages: [{ role: 'user' as const, content: 'Say hello' }] };
let fleet: TestFleet | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await fleet?.close();
  fleet = undefined;
});

async function readText(stream: AsyncIterable<StreamPart>): Promise<string> {
  let text = '';
  for await (const part of stream) {
    if (part.type === 'error') throw part.error;
    if (part.type === 'text-delta') text += part.text;
  }
  return text;
}

describe('timeouts.firstTokenMs (real sockets, scaled down 10×: 2 s first token, 1 s limit)', () => {
  async function setup() {
    fleet = await startTestFleet({ a: { chunks: ['Hel', 'lo', ' from A'] }, b: { chunks: ['Hel', 'lo', ' from B'] } });
    const client = createClient({
      providers: fleet.providers,
      routes: {
        chat: {
          timeouts: { firstTokenMs: 1_000, idleMs: 5_000 },
          targets: [{ model: 'a:org/chat' }, { model: 'b:org/chat' }],
        },
      },
    });
    return { client, a: fleet.servers.a!, b: fleet.servers.b! };
  }

  it('a slow first token fails over before commit, at the limit', async () => {
    const { client, a, b } = await setup();
    // Headers at once, the body (first token included) 2 s later.
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 0, ms: 2_000 });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    expect(await readText(stream)).toBe('Hello from B');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(1_800);
    const result = await stream.result;
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['a', 'provider_timeout'],
      ['b', undefined],
    ]);
    expect(b.requests).toHaveLength(1);
    // A's connection was ended, not left waiting.
    expect(a.isConnectionOpen(a.requests[0]!.connectionId)).toBe(false);
  });

  it('a pause after the first token, longer than the limit, does not cut the stream', async () => {
    const { client, a, b } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 200, ms: 1_500 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    expect(await readText(stream)).toBe('Hello from A');
    expect((await stream.result).provider).toBe('a');
    expect(b.requests).toHaveLength(0);
  });

  it('a per-request limit overrides the route', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 0, ms: 700 });
    const stream = client.stream('chat-completion', { model: 'chat', input, timeouts: { firstTokenMs: 300 } });
    expect(await readText(stream)).toBe('Hello from B');
  });
});

describe('timeouts.firstTokenMs at the issue figures (fake timers)', () => {
  it('a 20 s first token with firstTokenMs 10000 fails over at 10 s', async () => {
    vi.useFakeTimers();
    const memory = (name: string, firstTokenAfterMs: number): ProviderV1 => ({
      specificationVersion: 'v1',
      name,
      tasks: { 'chat-completion': { streaming: true } },
      async doStream({ signal }) {
        async function* parts(): AsyncGenerator<StreamPart> {
          if (firstTokenAfterMs > 0)
            await new Promise((resolve, reject) => {
              const timer = setTimeout(resolve, firstTokenAfterMs);
              signal?.addEventListener('abort', () => {
                clearTimeout(timer);
                reject(signal.reason);
              });
            });
          yield { type: 'text-delta', text: `from ${name}` };
          yield { type: 'finish', finishReason: 'stop' };
        }
        return { stream: parts() };
      },
    });
    const client = createClient({
      providers: [memory('a', 20_000), memory('b', 0)],
      routes: {
        chat: { timeouts: { firstTokenMs: 10_000 }, targets: [{ model: 'a:org/chat' }, { model: 'b:org/chat' }] },
      },
    });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const text = readText(stream);
    await vi.advanceTimersByTimeAsync(9_999);
    expect((await Promise.race([text, Promise.resolve('pending')])) as string).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await text).toBe('from b');
    expect(Date.now() - started).toBe(10_000);
    expect((await stream.result).attempts.map((attempt) => attempt.errorCode)).toEqual(['provider_timeout', undefined]);
  });
});
