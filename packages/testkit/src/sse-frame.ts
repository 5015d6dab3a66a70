/**
 * One server-sent event carrying `event` as its data: objects are JSON-encoded, strings are sent as
 * they are (one `data:` line per line of text, as the SSE format requires).
 */
export function sseFrame(event: string | object): string {
  if (typeof event !== 'string') return `data: ${JSON.stringify(event)}\n\n`;
  if (!event.includes('\n')) return `data: ${event}\n\n`;
  return `${event
    .split(/\r?\n/)
    .map((line) => `data: ${line}\n`)
    .join('')}\n`;
}

/** The terminator OpenAI-compatible streams send after the last event. */
export const SSE_DONE_FRAME = 'data: [DONE]\n\n';
