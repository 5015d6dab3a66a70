import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderV1, StreamPart } from '../provider/provider';
import { firstFrameBytes, startFailoverChat } from '../test-support/failover-chat';
import { startTestFleet, type TestFleet } from '../test-support/test-fleet';
import { type ClientOptions, createClient } from './create-client';

const input = { messages: [{ role: 'user' as const, content: 'Say hello' }] };
let fleet: TestFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function setup(options: Omit<ClientOptions, 'providers'> = {}) {
  const chat = await startFailoverChat(options);
  fleet = chat.fleet;
  return chat;
}

async function consume(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const seen: StreamPart[] = [];
  for await (const part of parts) seen.push(part);
  return seen;
}

const text = (parts: StreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');

describe('streaming failover (real sockets)', () => {
  it('stall before the first content event: fails over to B invisibly', async () => {
    const { client, a, b } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 0, ms: 5_000 });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    const result = await stream.result;
    expect(text(parts)).toBe('Hello from B');
    expect(parts.some((part) => part.type === 'error')).toBe(false);
    expect(result.provider).toBe('b');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['a', 'provider_timeout'],
      ['b', undefined],
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(a.requests[0]?.json()).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      model: 'org/chat',
    });
    expect(b.requests).toHaveLength(1);
  });

  it('stream cut before any content: fails over to B invisibly', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: 0 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe('Hello from B');
    expect((await stream.result).provider).toBe('b');
  });

  it('stall after the first content event: ends with an in-band error part and rejects result; no failover', async () => {
    const { client, a, b, events } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: firstFrameBytes, ms: 5_000 });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(text(parts)).toBe('Hel');
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error.code).toBe('provider_timeout');
    await expect(stream.result).rejects.toMatchObject({ code: 'provider_timeout' });
    expect(b.requests).toHaveLength(0);
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({
      status: 'error',
      errorCode: 'provider_timeout',
      provider: 'a',
      kind: 'stream',
    });
  });

  it('stream cut after content: never a clean end of a truncated answer', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: firstFrameBytes });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe('Hel');
    expect(parts.at(-1)?.type).toBe('error');
    await expect(stream.result).rejects.toBeDefined();
    // textStream says so too, by throwing.
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: firstFrameBytes });
    const again = client.stream('chat-completion', { model: 'chat', input });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const delta of again.textStream) seen.push(delta);
      })(),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^provider_/) });
    expect(seen).toEqual(['Hel']);
  });

  it('the route deadline covers a stream up to its first content, not the rest of it', async () => {
    const { client, a } = await setup({
      retry: { baseDelayMs: 10, maxDelayMs: 50, deadlineMs: 300 },
      routes: { chat: { targets: [{ model: 'a:org/chat' }] } },
    });
    // Twice: the first call runs on the router's own deadline timer, later ones on the transport's.
    for (let call = 0; call < 2; call++) {
      a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: firstFrameBytes, ms: 500 });
      const stream = client.stream('chat-completion', { model: 'chat', input });
      const parts = await consume(stream);
      expect(text(parts)).toBe('Hello from A');
      await expect(stream.result).resolves.toMatchObject({ provider: 'a' });
    }
  });

  it('a consumer that stops early cancels the upstream request', async () => {
    fleet = await startTestFleet({ a: { chunks: Array.from({ length: 200 }, (_, index) => `t${index} `) } });
    const client = createClient({ providers: fleet.providers });
    // Twice: the first call ends through the router's own controller, later ones through the transport call.
    for (let call = 0; call < 2; call++) {
      const stream = client.stream('chat-completion', { model: 'a:org/chat', input });
      for await (const part of stream) if (part.type === 'text-delta') break;
      await expect(stream.result).rejects.toMatchObject({ code: 'caller_aborted' });
      const request = fleet.servers.a!.requests[call];
      const started = Date.now();
      while (fleet.servers.a!.isConnectionOpen(request!.connectionId) && Date.now() - started < 2_000)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(fleet.servers.a!.isConnectionOpen(request!.connectionId)).toBe(false);
    }
  });

  it('the provider signal: left alone after a stream read to its end, aborted by a caller abort mid-stream', async () => {
    const signals: Array<AbortSignal | undefined> = [];
    let finishStream = (): void => undefined;
    const provider: ProviderV1 = {
      specificationVersion: 'v1',
      name: 'mem',
      tasks: { 'chat-completion': { streaming: true } },
      async doStream({ signal }) {
        signals.push(signal);
        const held = signals.length === 2;
        const waitForFinish = new Promise<void>((resolve) => {
          finishStream = resolve;
        });
        async function* parts(): AsyncGenerator<StreamPart> {
          yield { type: 'text-delta', text: 'hi' };
          if (held) await waitForFinish;
          yield { type: 'finish', finishReason: 'stop' };
        }
        return { stream: parts() };
      },
    };
    const client = createClient({ providers: [provider] });
    const whole = client.stream('chat-completion', {
      model: 'mem:org/chat',
      input,
      signal: new AbortController().signal,
    });
    await consume(whole);
    await whole.result;
    expect(signals[0]?.aborted).toBe(false);

    const controller = new AbortController();
    const cut = client.stream('chat-completion', { model: 'mem:org/chat', input, signal: controller.signal });
    const iterator = cut[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta' });
    controller.abort(new Error('caller went away'));
    expect(signals[1]?.aborted).toBe(true);
    finishStream();
    await iterator.return?.(undefined);
    await expect(cut.result).rejects.toMatchObject({ code: 'caller_aborted' });
  });
});

describe('pricing', () => {
  it('prices a streamed call exactly like the non-streamed call with the same usage', async () => {
    const { client, events } = await setup({
      prices: {
        version: '2026-11',
        models: { 'a:org/chat': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } },
      },
      routes: {},
    });
    const plain = await client.run('chat-completion', { model: 'a:org/chat', input });
    const stream = client.stream('chat-completion', { model: 'a:org/chat', input });
    await consume(stream);
    const streamed = await stream.result;
    expect(plain.usage).toEqual({ inputTokens: 11, outputTokens: 7 });
    expect(streamed.usage).toEqual(plain.usage);
    expect(streamed.cost).toEqual(plain.cost);
    expect(plain.cost).toEqual({
      amount: (11 * 0.15 + 7 * 0.6) / 1_000_000,
      currency: 'USD',
      source: 'config',
      priceVersion: '2026-11',
    });
    expect(streamed.output.choices[0]?.message.content).toBe(plain.output.choices[0]?.message.content);
    const ends = events.filter((event) => event.type === 'request-end');
    expect(ends.map((event) => event.type === 'request-end' && [event.kind, event.cost?.amount])).toEqual([
      ['run', plain.cost?.amount],
      ['stream', plain.cost?.amount],
    ]);
  });
});

describe('one outcome per streamed attempt', () => {
  const breakerOf = (client: ReturnType<typeof createClient>, provider: string) =>
    client.health().targets.find((entry) => entry.provider === provider)?.breaker;

  it('the breaker stays closed over 20 streams that all complete, each one successful attempt', async () => {
    const { client, events } = await setup({ breaker: { consecutiveFailures: 2, minimumRequests: 2 } });
    for (let index = 0; index < 20; index++) {
      const stream = client.stream('chat-completion', { model: 'chat', input });
      expect(text(await consume(stream))).toBe('Hello from A');
      expect((await stream.result).attempts).toEqual([expect.not.objectContaining({ errorCode: expect.anything() })]);
    }
    expect(breakerOf(client, 'a')).toBe('closed');
    const ends = events.filter((event) => event.type === 'attempt-end');
    expect(ends).toHaveLength(20);
    expect(ends.every((event) => event.type === 'attempt-end' && event.errorCode === undefined)).toBe(true);
  });

  it('a stream without [DONE] after finish_reason and usage is a success and does not move the breaker', async () => {
    fleet = await startTestFleet({ a: { chunks: ['Hel', 'lo'], done: false } });
    const client = createClient({ providers: fleet.providers, breaker: { consecutiveFailures: 5 } });
    for (let index = 0; index < 6; index++) {
      const stream = client.stream('chat-completion', { model: 'a:org/chat', input });
      const parts = await consume(stream);
      expect(parts.some((part) => part.type === 'error')).toBe(false);
      await expect(stream.result).resolves.toMatchObject({ provider: 'a', usage: { inputTokens: 11 } });
    }
    expect(breakerOf(client, 'a')).toBe('closed');
  });

  it('a committed stream that breaks is one failure, not a success and then a failure', async () => {
    const { client, a, events } = await setup({ breaker: { consecutiveFailures: 2 } });
    for (let index = 0; index < 2; index++) {
      a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: firstFrameBytes });
      const stream = client.stream('chat-completion', { model: 'chat', input });
      expect((await consume(stream)).at(-1)?.type).toBe('error');
      await expect(stream.result).rejects.toBeDefined();
    }
    // Counted a success at commit as well, the two failures would never be consecutive.
    expect(breakerOf(client, 'a')).toBe('open');
    const ends = events.filter((event) => event.type === 'request-end');
    expect(
      ends.map((event) => event.type === 'request-end' && event.attempts.map((attempt) => attempt.errorCode)),
    ).toEqual([[expect.stringMatching(/^provider_/)], [expect.stringMatching(/^provider_/)]]);
  });
});
