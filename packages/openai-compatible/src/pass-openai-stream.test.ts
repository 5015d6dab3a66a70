import type { ForwardChunk, Usage } from '@infermux/core';
import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { passOpenAIStream } from './pass-openai-stream';

const frame = (json: unknown): string => `data: ${JSON.stringify(json)}\n\n`;
const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) =>
  frame({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra });
const usageFrame = frame({
  id: 'c1',
  object: 'chat.completion.chunk',
  choices: [],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
});
const DONE = 'data: [DONE]\n\n';

async function* from(pieces: string[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) yield Buffer.from(piece);
}

async function relay(pieces: string[], keepUsage: boolean) {
  let usage: Usage = {};
  const out: ForwardChunk[] = [];
  let error: unknown;
  try {
    for await (const item of passOpenAIStream(from(pieces), {
      provider: 'up',
      keepUsage,
      onUsage: (read) => (usage = read),
    }))
      out.push(item);
  } catch (caught) {
    error = caught;
  }
  return { text: out.map((item) => Buffer.from(item.bytes).toString()).join(''), chunks: out, usage, error };
}

const role = chunk({ role: 'assistant', content: '' });
const hello = chunk({ content: 'Hello' });
const stop = chunk({}, 'stop');

describe('passOpenAIStream', () => {
  it('passes frames through byte for byte and reads usage the caller asked for', async () => {
    const body = [role, hello, stop, usageFrame, DONE];
    const result = await relay(body, true);
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(body.join(''));
    expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
  });

  it('cuts the usage chunk out (but still reads it) when only the gateway wanted it', async () => {
    const result = await relay([role + hello, stop + usageFrame + DONE], false);
    expect(result.text).toBe(role + hello + stop + DONE);
    expect(result.usage.totalTokens).toBe(7);
  });

  it('takes usage off a content chunk that carries it instead of dropping the chunk', async () => {
    const last = chunk({ content: '!' }, 'stop', { usage: { prompt_tokens: 1, completion_tokens: 1 } });
    const result = await relay([role, last, DONE], false);
    expect(result.usage).toEqual({ inputTokens: 1, outputTokens: 1, totalTokens: 2 });
    const relayed = JSON.parse(result.text.split('\n\n')[1]!.slice('data: '.length)) as Record<string, unknown>;
    expect(relayed.usage).toBeUndefined();
    expect(relayed.choices).toEqual([{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }]);
  });

  it('leaves `"usage":null` chunks alone (OpenAI sends them on every chunk once usage is asked)', async () => {
    const withNull = chunk({ content: 'Hi' }, null, { usage: null });
    const result = await relay([withNull, usageFrame, DONE], true);
    expect(result.text).toBe(withNull + usageFrame + DONE);
  });

  it('only passes whole frames on, however the upstream splits them', async () => {
    const body = role + hello + stop + usageFrame + DONE;
    const pieces: string[] = [];
    for (let at = 0; at < body.length; at += 7) pieces.push(body.slice(at, at + 7));
    const result = await relay(pieces, false);
    expect(result.text).toBe(role + hello + stop + DONE);
    expect(result.usage.totalTokens).toBe(7);
    for (const item of result.chunks) expect(Buffer.from(item.bytes).toString().endsWith('\n\n')).toBe(true);
  });

  it('understands CRLF framing', async () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const result = await relay([crlf(role + hello), crlf(stop + usageFrame + DONE)], false);
    expect(result.error).toBeUndefined();
    expect(result.usage.totalTokens).toBe(7);
    expect(result.text).not.toContain('"usage":{');
  });

  it('marks chunks as content from the first text, tool call or finish on (the role chunk is not content)', async () => {
    const result = await relay([role, hello, stop, DONE], true);
    expect(result.chunks.map((item) => item.content)).toEqual([false, true, true, true]);
    const tool = chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '' } }] });
    expect((await relay([role, tool, DONE], true)).chunks.map((item) => item.content)).toEqual([false, true, true]);
  });

  it('a stream that ends cleanly after its finish_reason without [DONE] (TGI 2.x) is complete', async () => {
    const result = await relay([role, hello, stop, usageFrame], false);
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(role + hello + stop);
    expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
    // The finish chunk and the stream's end in one read, too.
    expect((await relay([role, hello + stop], true)).error).toBeUndefined();
  });

  it('a stream closed before [DONE] throws provider_stream_interrupted after relaying what came', async () => {
    const result = await relay([role, hello], true);
    expect(result.text).toBe(role + hello);
    expect(InfermuxError.isInstance(result.error) && result.error.code).toBe('provider_stream_interrupted');
  });

  it('an in-stream error event is not relayed: frames before it are, then it is thrown, mapped', async () => {
    const errorFrame = frame({ error: { message: 'The server had an error', type: 'server_error' } });
    const result = await relay([role + hello + errorFrame], true);
    expect(result.text).toBe(role + hello);
    expect(InfermuxError.isInstance(result.error)).toBe(true);
    expect((result.error as InfermuxError).message).toContain('The server had an error');
    expect((result.error as InfermuxError).details).toMatchObject({ midStream: true });
  });

  it('reads usage before an error event in the same read, never usage inside or after the error frame', async () => {
    const errorFrame = frame({ error: { message: 'overloaded', usage: { prompt_tokens: 99 } } });
    const late = frame({
      id: 'c1',
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 50, completion_tokens: 50, total_tokens: 100 },
    });
    const result = await relay([role + hello + usageFrame + errorFrame + late + DONE], false);
    expect(result.text).toBe(role + hello);
    expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 2, totalTokens: 7 });
    expect((result.error as InfermuxError).message).toContain('overloaded');
  });

  it('finds usage written with whitespace and CRLF framing (`"usage": {`)', async () => {
    const spaced =
      'data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage": {"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}\r\n\r\n';
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const result = await relay([crlf(role + hello + stop) + spaced + crlf(DONE)], false);
    expect(result.error).toBeUndefined();
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    expect(result.text).toBe(crlf(role + hello + stop + DONE));
  });

  it('reads usage from frames that are more than one data line (event field, no space after the colon)', async () => {
    const named =
      'event: usage\ndata:{"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":8,"completion_tokens":1,"total_tokens":9}}\n\n';
    const kept = await relay([role + hello + stop + named + DONE], true);
    expect(kept.usage).toEqual({ inputTokens: 8, outputTokens: 1, totalTokens: 9 });
    expect(kept.text).toBe(role + hello + stop + named + DONE);
    const cut = await relay([role + hello + stop + named + DONE], false);
    expect(cut.usage).toEqual({ inputTokens: 8, outputTokens: 1, totalTokens: 9 });
    expect(cut.text).toBe(role + hello + stop + DONE);
  });

  it('"[DONE]" inside generated text does not end the stream', async () => {
    const tricky = chunk({ content: 'say data: [DONE] now' });
    const result = await relay([role, tricky, stop, DONE], true);
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(role + tricky + stop + DONE);
  });

  it('a frame that is not a chat event is never relayed: frames before it are, then provider_bad_response', async () => {
    for (const bad of [
      'data: {"choices":[{"delta":{"content":"cut\n\n',
      'secret: sk-echoed\n\n',
      'data: {"x":1}\n\n',
    ]) {
      const result = await relay([role, `${hello}${bad}${stop}`, DONE], false);
      expect(result.text).toBe(role + hello);
      expect(result.error).toMatchObject({ code: 'provider_bad_response', provider: 'up' });
      const tail = await relay([role, hello, `${bad.trimEnd()}`], false);
      expect(tail.text).toBe(role + hello);
      expect(tail.error).toMatchObject({ code: 'provider_bad_response' });
    }
  });

  it('a connection cut mid-stream becomes provider_stream_interrupted', async () => {
    async function* cut(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(role + hello);
      throw Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' });
    }
    const out: string[] = [];
    const error = await (async () => {
      try {
        for await (const item of passOpenAIStream(cut(), { provider: 'up', keepUsage: true, onUsage: () => undefined }))
          out.push(Buffer.from(item.bytes).toString());
      } catch (caught) {
        return caught;
      }
    })();
    expect(out.join('')).toBe(role + hello);
    expect(InfermuxError.isInstance(error) && error.code).toBe('provider_stream_interrupted');
  });
});
