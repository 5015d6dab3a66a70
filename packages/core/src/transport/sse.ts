import { type EventSourceMessage, createParser } from 'eventsource-parser';

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export interface SseDecoder {
  /** Decodes one chunk; returns the events it completed (possibly none), in order. */
  feed(chunk: Uint8Array): SseEvent[];
  /** The end of the body: per the SSE spec an event not closed by a blank line is dropped. */
  end(): SseEvent[];
}

/**
 * A push decoder for server-sent events, whatever the chunk boundaries (split in the middle of
 * a line, a UTF-8 character or a `\r\n`). Readers that already loop over a body's chunks use it
 * directly, saving an async generator hop per event.
 */
export function createSseDecoder(): SseDecoder {
  let completed: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      const event: SseEvent = { data: message.data };
      if (message.event) event.event = message.event;
      if (message.id) event.id = message.id;
      completed.push(event);
    },
  });
  const decoder = new TextDecoder();
  const take = (): SseEvent[] => {
    if (completed.length === 0) return completed;
    const events = completed;
    completed = [];
    return events;
  };
  return {
    feed(chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      return take();
    },
    end() {
      // A cut stream must not yield a half-written event: the unterminated tail stays unparsed.
      parser.feed(decoder.decode());
      return take();
    },
  };
}

/** Turns a byte stream into server-sent events. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = createSseDecoder();
  for await (const chunk of body) yield* decoder.feed(chunk);
  yield* decoder.end();
}
