import { describe, expect, it } from 'vitest';
import { FRAME, firstMalformedFrame, isChatEventJson as isChatEventBytes, scanChatFrames } from './chat-stream-frame';

/** The scanner reads bytes: a string is checked as its UTF-8. */
const isChatEventJson = (text: string): boolean => isChatEventBytes(Buffer.from(text));

const chunk = JSON.stringify({
  id: 'c1',
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: { content: 'Hé \u2603 "quoted" \\ \n' }, finish_reason: null, logprobs: -1.5e-3 }],
  usage: null,
  flags: [true, false, null, 0, -0.25, 12e2, {}],
});

describe('isChatEventJson', () => {
  it('accepts chat chunks and error events, as JSON.parse reads them', () => {
    expect(isChatEventJson(chunk)).toBe(true);
    expect(isChatEventJson(' {"choices" : [1e-3, 2E+4, -0.5, "\\u00e9\\n"] } ')).toBe(true);
    expect(isChatEventJson('{"error":{"message":"overloaded"}}')).toBe(true);
  });

  it('refuses what is not JSON, not an object, or not a chat event', () => {
    for (const text of [
      chunk.slice(0, -1),
      `${chunk}x`,
      `${chunk}{}`,
      '{"choices":[1,]}',
      '{"choices":[01]}',
      '{"choices":[1.]}',
      '{"choices":["\\x"]}',
      '{"choices":["a\u0001"]}',
      '{"choices":[tru]}',
      "{'choices':[]}",
      '{"choices":{}}',
      '{"other":[]}',
      '[{"choices":[]}]',
      '"choices"',
      '',
      `{"choices":[${'['.repeat(100)}${']'.repeat(100)}]}`,
    ]) {
      expect(isChatEventJson(text), text).toBe(false);
    }
  });

  it('agrees with JSON.parse on mutations of a chunk', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = '{}[]",:0123456789.eE+-\\ntrufalse ';
    for (let round = 0; round < 5_000; round++) {
      const at = Math.floor(random() * chunk.length);
      const text = chunk.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + chunk.slice(at + 1);
      let expected: boolean;
      try {
        const json = JSON.parse(text) as Record<string, unknown>;
        expected = json !== null && typeof json === 'object' && (Array.isArray(json.choices) || 'error' in json);
      } catch {
        expected = false;
      }
      expect(isChatEventJson(text), text).toBe(expected);
    }
  });
});

/** The frames' UTF-8, as the relay reads them. */
const firstMalformed = (text: string): number => firstMalformedFrame(Buffer.from(text));

describe('firstMalformedFrame', () => {
  it('finds the first frame that is not a chat event, by byte offset, in LF or CRLF framing', () => {
    const good = `data: ${chunk}\n\n`;
    expect(firstMalformed(`${good}: comment\n\nevent: ping\n\ndata: [DONE]\n\n`)).toBe(-1);
    expect(firstMalformed(`${good}data: {"choices":[\n\n${good}`)).toBe(Buffer.byteLength(good));
    expect(firstMalformed(`${good}<html>oops</html>\n\n`)).toBe(Buffer.byteLength(good));
    expect(firstMalformed(`event: x\r\ndata:{"choices":[]}\r\n\r\ndata: nope\r\n\r\n`)).toBe(33);
    expect(firstMalformed('data: {"choices":\ndata: []}\n\n')).toBe(-1);
  });
});

describe('scanChatFrames', () => {
  const data = (json: unknown): string => `data: ${JSON.stringify(json)}\n\n`;
  const delta = (fields: Record<string, unknown>, finish: string | null = null): string =>
    data({ choices: [{ index: 0, delta: fields, finish_reason: finish }], usage: null });

  it('tells what the frames carry: content once text is not empty, tool calls, reasoning, a finish, [DONE]', () => {
    const flags = (text: string): number => scanChatFrames(Buffer.from(text)).flags;
    expect(flags(delta({ role: 'assistant', content: '' })) & FRAME.content).toBe(0);
    expect(flags(delta({ content: 'Hi' })) & FRAME.content).toBe(FRAME.content);
    expect(flags(delta({ reasoning_content: 'hm' })) & FRAME.content).toBe(FRAME.content);
    expect(flags(delta({ reasoning: 'hm' })) & FRAME.content).toBe(FRAME.content);
    expect(flags(delta({ tool_calls: [{ index: 0 }] })) & FRAME.content).toBe(FRAME.content);
    expect(flags(delta({ content: '"content":"x' })) & FRAME.content).toBe(FRAME.content);
    expect(flags(delta({ note: '"content":"x' })) & FRAME.content).toBe(0);
    expect(flags(delta({}, 'stop')) & (FRAME.content | FRAME.finish)).toBe(FRAME.content | FRAME.finish);
    expect(flags(delta({})) & FRAME.finish).toBe(0);
    const done = scanChatFrames(Buffer.from(`${delta({ content: 'a' })}data: [DONE]\n\n`));
    expect(done.doneAtEnd).toBe(true);
    expect(scanChatFrames(Buffer.from(`data: [DONE]\n\n${delta({ content: 'a' })}`)).doneAtEnd).toBe(false);
    expect(scanChatFrames(Buffer.from('event: end\r\ndata: [DONE]\r\n\r\n')).doneAtEnd).toBe(true);
  });

  it('marks the frames with top-level usage or an error, with where they are and what came before', () => {
    const first = delta({ content: 'a' });
    const usage = data({ choices: [], usage: { total_tokens: 3 } });
    const nested = data({ choices: [{ index: 0, delta: { usage: { total_tokens: 3 } } }] });
    const error = data({ error: { message: 'overloaded' } });
    const scan = scanChatFrames(Buffer.from(first + nested + usage + error));
    const at = Buffer.byteLength(first + nested);
    expect(scan.malformedAt).toBe(-1);
    expect(scan.marked).toEqual([
      at,
      at + Buffer.byteLength(usage),
      FRAME.chatEvent | FRAME.content,
      at + Buffer.byteLength(usage),
      at + Buffer.byteLength(usage + error),
      FRAME.chatEvent | FRAME.content | FRAME.usage,
    ]);
  });

  it('describes nothing from a malformed frame on', () => {
    const scan = scanChatFrames(
      Buffer.from(`${delta({ role: 'assistant' })}<html>\n\n${delta({ content: 'x' }, 'stop')}`),
    );
    expect(scan.malformedAt).toBeGreaterThan(0);
    expect(scan.flags & (FRAME.content | FRAME.finish)).toBe(0);
    expect(scan.doneAtEnd).toBe(false);
  });
});
