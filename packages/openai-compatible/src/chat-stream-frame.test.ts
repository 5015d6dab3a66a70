import { describe, expect, it } from 'vitest';
import { firstMalformedFrame, isChatEventJson as isChatEventBytes } from './chat-stream-frame';

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

/** The frames' UTF-8, with its Latin-1 text as the relay passes it. */
const firstMalformed = (text: string): number => {
  const bytes = Buffer.from(text);
  return firstMalformedFrame(bytes.toString('latin1'), bytes);
};

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
