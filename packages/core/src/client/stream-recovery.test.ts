import { afterEach, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1, StreamPart } from '../provider/provider';
import type { RouteConfig } from '../routing/routing-config';
import type { InfermuxEvent } from '../routing/routing-events';
import { startTestFleet, type TestFleet } from '../test-support/test-fleet';
import type { TestUpstreamOptions } from '../test-support/test-upstream';
import { type ClientOptions, createClient } from './create-client';

const input = { messages: [{ role: 'user' as const, content: 'Name a sentence with every letter' }] };
/** The canonical answer, one SSE chunk per token. */
const tokens = ['The', ' quick', ' brown', ' fox', ' jumps', ' over', ' the', ' lazy', ' dog.'];
const canonical = tokens.join('');
let fleet: TestFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function setup(
  b: TestUpstreamOptions,
  route: Partial<RouteConfig> = {},
  bTarget: { prefill?: boolean } = { prefill: true },
  options: Omit<ClientOptions, 'providers'> = {},
) {
  fleet = await startTestFleet({ a: { chunks: tokens }, b: { chunks: tokens, ...b } });
  const events: InfermuxEvent[] = [];
  const client = createClient({
    providers: fleet.providers,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    routes: {
      chat: {
        streamRecovery: {},
        targets: [
          { model: 'a:org/chat', timeouts: { idleMs: 300 } },
          { model: 'b:org/chat', ...bTarget },
        ],
        ...route,
      },
    },
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { client, events, a: fleet.servers.a!, b: fleet.servers.b! };
}

async function consume(parts: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const seen: StreamPart[] = [];
  for await (const part of parts) seen.push(part);
  return seen;
}

const text = (parts: StreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
/** A cut after 3 tokens that nothing rescues: the partial text, the in-band error, B never asked. */
async function expectCutUnrescued({ client, a, b }: Awaited<ReturnType<typeof setup>>): Promise<void> {
  a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
  const stream = client.stream('chat-completion', { model: 'chat', input });
  const parts = await consume(stream);
  expect(text(parts)).toBe('The quick brown');
  expect(parts.at(-1)?.type).toBe('error');
  expect(b.requests).toHaveLength(0);
}

const lastMessage = (request: { json<T>(): T }) =>
  request.json<{ messages: Array<{ role: string; content: string }> }>().messages.at(-1);

describe('stream recovery: continue from a prefill (real sockets)', () => {
  it('cut after 3 tokens: B continues, the caller receives exactly the canonical answer, once', async () => {
    const { client, a, b, events } = await setup({ prefill: 'continue' });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    const wallMs = Date.now() - started;
    expect(text(parts)).toBe(canonical);
    expect(parts.some((part) => part.type === 'error')).toBe(false);
    // One stream: the first attempt's ids, one usage, a finish that says what happened.
    expect(parts.filter((part) => part.type === 'response-metadata')).toHaveLength(1);
    expect(parts.filter((part) => part.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 11, outputTokens: 7 } },
    ]);
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({
      finishReason: 'stop',
      recovered: {
        strategy: 'continue',
        from: { provider: 'a', model: 'org/chat', errorCode: expect.stringMatching(/^provider_/) },
        to: { provider: 'b', model: 'org/chat' },
        deliveredChars: 'The quick brown'.length,
      },
    });
    expect(lastMessage(b.requests[0]!)).toEqual({ role: 'assistant', content: 'The quick brown' });
    const result = await stream.result;
    expect(result.output.choices[0]?.message.content).toBe(canonical);
    expect(result.provider).toBe('b');
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode])).toEqual([
      ['a', expect.stringMatching(/^provider_/)],
      ['b', undefined],
    ]);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'stream_recovered' }));
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({
      status: 'ok',
      provider: 'b',
      attempts: result.attempts,
      recovered: { strategy: 'continue' },
    });
    expect(a.requests).toHaveLength(1);
    // Nothing waited on: no timer is involved in a cut (bound loose for a loaded machine).
    expect(wallMs).toBeLessThan(3_000);
  });

  it('stall after 4 tokens (idle limit): B continues; the seam has nothing repeated or missing', async () => {
    const { client, a, b } = await setup({ prefill: 'continue' });
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterEvents: 4, ms: 5_000 });
    const started = Date.now();
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe(canonical);
    expect(
      parts.filter((part) => part.type === 'text-delta').map((part) => part.type === 'text-delta' && part.text),
    ).toEqual(tokens);
    expect(lastMessage(b.requests[0]!)).toEqual({ role: 'assistant', content: 'The quick brown fox' });
    const result = await stream.result;
    expect(result.attempts.map((attempt) => attempt.errorCode)).toEqual(['provider_timeout', undefined]);
    // The idle limit (300 ms) plus B's answer, not A's 5 s stall (bound loose for a loaded machine).
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it('a committed stream rescued twice is still bounded by the attempt budget', async () => {
    const { client, a, b } = await setup({ prefill: 'continue' }, { retry: { maxAttempts: 2 } });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 2 });
    b.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 2 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe('The quick brown fox');
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { details: { recovery: 'failed' } } });
    await expect(stream.result).rejects.toBeDefined();
  });

  it('without streamRecovery the cut ends with the in-band error, as before', async () => {
    await expectCutUnrescued(await setup({ prefill: 'continue' }, { streamRecovery: undefined }));
  });
});

describe('stream recovery: a fallback that rejects prefill (real sockets)', () => {
  it('deterministic fallback: the refusal is an attempt, then restart-and-match streams only the rest', async () => {
    const { client, a, b } = await setup({ prefill: 'reject' });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe(canonical);
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({ recovered: { strategy: 'restart' } });
    const result = await stream.result;
    expect(result.attempts.map((attempt) => [attempt.provider, attempt.errorCode, attempt.status])).toEqual([
      ['a', expect.stringMatching(/^provider_/), undefined],
      ['b', 'caller_request_rejected', 400],
      ['b', undefined, undefined],
    ]);
    expect(b.requests.map((request) => lastMessage(request)?.role)).toEqual(['assistant', 'user']);
  });

  it('a target declared without prefill restarts at once (no refused attempt)', async () => {
    const { client, a, b } = await setup({}, {}, { prefill: false });
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterEvents: 5, ms: 5_000 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    expect(text(await consume(stream))).toBe(canonical);
    expect((await stream.result).attempts.map((attempt) => attempt.provider)).toEqual(['a', 'b']);
    expect(b.requests.map((request) => lastMessage(request)?.role)).toEqual(['user']);
  });

  it('non-deterministic fallback: its answer diverges, so the caller gets an honest in-band error', async () => {
    const { client, a } = await setup({ prefill: 'reject', chunks: ['The', ' slow', ' red', ' fox.'] });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe('The quick brown');
    const last = parts.at(-1);
    expect(last).toMatchObject({ type: 'error', error: { details: { recovery: 'failed' } } });
    // The cut is the caller's error, never the prefill refusal.
    expect(last?.type === 'error' && last.error.code).toMatch(/^provider_/);
    await expect(stream.result).rejects.toMatchObject({ code: expect.stringMatching(/^provider_/) });
  });

  it('restart off and no prefill: the in-band error stands', async () => {
    await expectCutUnrescued(await setup({ prefill: 'reject' }, { streamRecovery: { restart: false } }, {}));
  });
});

describe('stream recovery in the gateway relay: client.forward (real sockets)', () => {
  /** The relayed SSE body's data events, parsed. */
  const events = (body: string) =>
    body
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: '))
      .map((frame) => frame.slice('data: '.length))
      .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));

  it('cut after 3 tokens: continued on B, re-framed with the original id, model and created', async () => {
    const { client, a, b } = await setup({ prefill: 'continue', id: 'chatcmpl-from-b' });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai', stream: true });
    let body = '';
    for await (const chunk of forwarded.body as AsyncIterable<Uint8Array>) body += Buffer.from(chunk).toString();
    const data = events(body);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.filter((event) => event === '[DONE]')).toHaveLength(1);
    const chunks = data.filter((event) => event !== '[DONE]');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe(canonical);
    expect(new Set(chunks.map((chunk) => `${chunk.id} ${chunk.model} ${chunk.created}`))).toEqual(
      new Set(['chatcmpl-1 org/chat 1764057600']),
    );
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)).toMatchObject({
      choices: [{ finish_reason: 'stop' }],
      infermux_recovery: { strategy: 'continue', from: { provider: 'a' }, to: { provider: 'b' } },
    });
    expect(chunks.filter((chunk) => chunk.usage)).toEqual([
      expect.objectContaining({ usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } }),
    ]);
    expect(lastMessage(b.requests[0]!)).toEqual({ role: 'assistant', content: 'The quick brown' });
    const result = await forwarded.result;
    expect(result.provider).toBe('b');
    expect(result.attempts.map((attempt) => attempt.provider)).toEqual(['a', 'b']);
    expect(result.warnings).toContainEqual(expect.objectContaining({ code: 'stream_recovered' }));
  });

  it('non-deterministic fallback without prefill: the relay ends with the upstream error, nothing spliced', async () => {
    const { client, a } = await setup({ prefill: 'reject', chunks: ['The', ' slow', ' red', ' fox.'] });
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterEvents: 3 });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai', stream: true });
    let body = '';
    const failure = await (async () => {
      try {
        for await (const chunk of forwarded.body as AsyncIterable<Uint8Array>) body += Buffer.from(chunk).toString();
      } catch (error) {
        return error;
      }
    })();
    expect(failure).toMatchObject({ details: { recovery: 'failed' } });
    const chunks = events(body).filter((event) => event !== '[DONE]');
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('')).toBe('The quick brown');
    await expect(forwarded.result).rejects.toMatchObject({ details: { recovery: 'failed' } });
  });
});

describe('stream recovery: in-band upstream errors after commit', () => {
  /** A provider that streams `tokens` and, when `failAfter` is set, an in-band error after that many. */
  const memory = (
    name: string,
    options: { failAfter?: number; error?: InfermuxError; seen?: unknown[] },
  ): ProviderV1 => ({
    specificationVersion: 'v1',
    name,
    tasks: { 'chat-completion': { streaming: true, prefill: true } },
    async doStream({ input }) {
      options.seen?.push(input);
      const messages = (input as { messages: Array<{ role: string; content: string }> }).messages;
      const prefill = messages.at(-1)?.role === 'assistant' ? (messages.at(-1)?.content ?? '') : '';
      async function* parts(): AsyncGenerator<StreamPart> {
        let sent = '';
        for (const [index, token] of tokens.entries()) {
          if (index === options.failAfter) yield { type: 'error', error: options.error as InfermuxError };
          sent += token;
          if (sent.length > prefill.length)
            yield { type: 'text-delta', text: sent.slice(Math.max(prefill.length, sent.length - token.length)) };
        }
        yield { type: 'finish', finishReason: 'stop' };
        yield { type: 'usage', usage: { inputTokens: 5, outputTokens: 9 } };
      }
      return { stream: parts() };
    },
  });
  const clientWith = (error: InfermuxError, seen: unknown[]) =>
    createClient({
      providers: [memory('a', { failAfter: 2, error }), memory('b', { seen })],
      routes: { chat: { streamRecovery: {}, targets: [{ model: 'a:org/chat' }, { model: 'b:org/chat' }] } },
    });

  it('an upstream server error mid-stream is continued on B (the adapter declares prefill)', async () => {
    const seen: unknown[] = [];
    const client = clientWith(
      new InfermuxError({ code: 'provider_server_error', message: 'overloaded', provider: 'a' }),
      seen,
    );
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe(canonical);
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({
      recovered: { strategy: 'continue', from: { errorCode: 'provider_server_error' } },
    });
    expect(seen).toEqual([{ ...input, messages: [...input.messages, { role: 'assistant', content: 'The quick' }] }]);
  });

  it('a content filter mid-stream is not "rescued" elsewhere: the in-band error stands', async () => {
    const seen: unknown[] = [];
    const client = clientWith(
      new InfermuxError({ code: 'policy_content_filtered', message: 'filtered', provider: 'a' }),
      seen,
    );
    const stream = client.stream('chat-completion', { model: 'chat', input });
    const parts = await consume(stream);
    expect(text(parts)).toBe('The quick');
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'policy_content_filtered' } });
    expect(seen).toHaveLength(0);
  });
});
