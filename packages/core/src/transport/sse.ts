import { type EventSourceMessage, createParser } from 'eventsource-parser';

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

/**
 * Turns a byte stream into server-sent events, whatever the chunk boundaries
 * (split in the middle of a line, a UTF-8 character or a `\r\n`).
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const queue: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event: SseEvent = { data: message.data };
      if (message.event) event.event = message.event;
      if (message.id) event.id = message.id;
      queue.push(event);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) yield queue.shift() as SseEvent;
  }
  // Per the SSE spec an event not closed by a blank line is dropped: a cut stream
  // must not yield a half-written event.
  parser.feed(decoder.decode());
  while (queue.length > 0) yield queue.shift() as SseEvent;
}
