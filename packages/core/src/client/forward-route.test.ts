import { afterEach, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1 } from '../provider/provider';
import { firstFrameBytes, startFailoverChat } from '../test-support/failover-chat';
import type { TestFleet } from '../test-support/test-fleet';
import { createClient } from './create-client';

const input = { messages: [{ role: 'user' as const, content: 'Say hello' }] };
let fleet: TestFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

async function setup() {
  const chat = await startFailoverChat({
    idleMs: 1_000,
    prices: {
      models: {
        'a:*': { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
        'b:*': { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
      },
    },
  });
  fleet = chat.fleet;
  return chat;
}

async function readAll(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  if (body instanceof Uint8Array) return Buffer.from(body).toString();
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString();
  return text;
}

describe('client.forward (real sockets)', () => {
  it('answers with the upstream bytes, and prices and reports the call like run', async () => {
    const { client, events } = await setup();
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai' });
    const body = JSON.parse(await readAll(forwarded.body));
    expect(body.choices[0].message.content).toBe('Hello from A');
    const result = await forwarded.result;
    expect(result.provider).toBe('a');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.cost?.amount).toBeGreaterThan(0);
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({ status: 'ok', provider: 'a' });
  });

  it("carries the caller's requestId on its events, whole and streamed", async () => {
    const { client, events } = await setup();
    await (await client.forward('chat-completion', { model: 'chat', input, wire: 'openai', requestId: 'req_whole' }))
      .result;
    const streamed = await client.forward('chat-completion', {
      model: 'chat',
      input,
      wire: 'openai',
      stream: true,
      requestId: 'req_streamed',
    });
    await readAll(streamed.body);
    await streamed.result;
    const ends = events.filter((event) => event.type === 'request-end').map((event) => event.requestId);
    expect(ends).toEqual(['req_whole', 'req_streamed']);
  });

  it('a 500 from A fails over to B before anything is handed back', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'status', status: 500 }, { times: 5 });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai' });
    expect(JSON.parse(await readAll(forwarded.body)).choices[0].message.content).toBe('Hello from B');
    const result = await forwarded.result;
    expect(result.attempts.map((attempt) => attempt.provider)).toContain('a');
    expect(result.attempts.at(-1)).toMatchObject({ provider: 'b' });
  });

  it('a 200 that is not JSON fails over instead of reaching the caller', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'malformed-json' }, { times: 5 });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai' });
    expect(forwarded.provider).toBe('b');
  });

  it('stream: a stall before the first content fails over invisibly', async () => {
    const { client, a } = await setup();
    a.fault('POST /v1/chat/completions', { kind: 'stall-mid-stream', afterBytes: 0, ms: 5_000 });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai', stream: true });
    const text = await readAll(forwarded.body);
    expect(text).toContain('from B');
    expect(text).not.toContain('from A');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    expect((await forwarded.result).usage.outputTokens).toBeGreaterThan(0);
  });

  it('stream: a cut after content reaches the caller as a thrown error and a rejected result', async () => {
    const { client, a, events } = await setup();
    // Just past A's first frame, which carries content ("Hel").
    a.fault('POST /v1/chat/completions', { kind: 'cut-body', afterBytes: firstFrameBytes });
    const forwarded = await client.forward('chat-completion', { model: 'chat', input, wire: 'openai', stream: true });
    // The test provider reports the cut as the transport saw it; the OpenAI adapter names it provider_stream_interrupted.
    await expect(readAll(forwarded.body)).rejects.toSatisfy(
      (error) => InfermuxError.isInstance(error) && error.code === 'provider_network',
    );
    await expect(forwarded.result).rejects.toBeDefined();
    expect(events.find((event) => event.type === 'request-end')).toMatchObject({ status: 'error', provider: 'a' });
  });

  it('bad input is refused before any upstream call, naming the field', async () => {
    const { client, a, b } = await setup();
    const refused = client.forward('chat-completion', {
      model: 'chat',
      input: { messages: 'hi' } as never,
      wire: 'openai',
    });
    await expect(refused).rejects.toSatisfy(
      (error) =>
        InfermuxError.isInstance(error) && error.code === 'caller_invalid_input' && /messages/.test(error.message),
    );
    expect(a.requests.length + b.requests.length).toBe(0);
  });

  it('canForward: only when every target of the route can answer in that wire format', async () => {
    const { client } = await setup();
    expect(client.canForward('chat-completion', { model: 'chat', wire: 'openai' })).toBe(true);
    expect(client.canForward('text-classification', { model: 'a:org/clf', wire: 'openai' })).toBe(false);
    expect(client.canForward('chat-completion', { model: 'nowhere:org/x', wire: 'openai' })).toBe(false);
    const plain: ProviderV1 = {
      specificationVersion: 'v1',
      name: 'plain',
      tasks: { 'chat-completion': { streaming: true } },
      doRun: async () => ({ output: {} as never }),
    };
    const mixed = createClient({
      providers: [...(fleet as TestFleet).providers, plain],
      routes: { chat: { targets: [{ model: 'a:org/chat' }, { model: 'plain:org/chat' }] } },
    });
    expect(mixed.canForward('chat-completion', { model: 'chat', wire: 'openai' })).toBe(false);
    expect(mixed.canForward('chat-completion', { model: 'a:org/chat', wire: 'openai' })).toBe(true);
  });
});
