import { describe, expect, it } from 'vitest';
import { parseSse } from './sse';

async function* chunksOf(text: string, sizes: number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  let index = 0;
  while (offset < bytes.length) {
    const size = sizes[index++ % sizes.length] as number;
    yield bytes.slice(offset, offset + size);
    offset += size;
  }
}

async function collect(body: AsyncIterable<Uint8Array>) {
  const events = [];
  for await (const event of parseSse(body)) events.push(event);
  return events;
}

const stream =
  ': keep-alive comment\n\n' +
  'data: {"text":"héllo 👋"}\n\n' +
  'event: update\r\nid: 7\r\ndata: {"n":1}\r\n\r\n' +
  'data:{"multi":\ndata: "line"}\n\n' +
  'data: [DONE]\n\n';

describe('parseSse', () => {
  it('parses every event, whatever the chunk boundaries', async () => {
    const expected = await collect(chunksOf(stream, [stream.length]));
    expect(expected).toEqual([
      { data: '{"text":"héllo 👋"}' },
      { event: 'update', id: '7', data: '{"n":1}' },
      { data: '{"multi":\n"line"}' },
      { data: '[DONE]' },
    ]);
    // Every split size from 1 byte up, including splits inside UTF-8 characters and CRLF pairs.
    for (const size of [1, 2, 3, 5, 7, 11, 13]) {
      expect(await collect(chunksOf(stream, [size]))).toEqual(expected);
    }
    expect(await collect(chunksOf(stream, [1, 4, 2, 9, 3]))).toEqual(expected);
  });

  it('drops a leading byte order mark, even split across chunks, and only at the start', async () => {
    const withBom = '\uFEFFdata: a\n\ndata: \uFEFFb\n\n';
    for (const size of [1, 2, withBom.length]) {
      expect(await collect(chunksOf(withBom, [size]))).toEqual([{ data: 'a' }, { data: '\uFEFFb' }]);
    }
  });

  it('drops an event that was never finished (cut stream)', async () => {
    expect(await collect(chunksOf('data: {"a":1}\n\ndata: {"b":', [4]))).toEqual([{ data: '{"a":1}' }]);
  });
});
