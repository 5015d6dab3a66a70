import { describe, expect, it } from 'vitest';
import { ChatChunkWriter } from './openai-chat-stream';

/** What the writer used to build: the whole chunk object through JSON.stringify. */
function reference(
  fields: { id: string; created: number; model: string; includeUsage: boolean },
  choices: unknown[],
): string {
  const chunk: Record<string, unknown> = {
    id: fields.id,
    object: 'chat.completion.chunk',
    created: fields.created,
    model: fields.model,
    system_fingerprint: null,
    choices,
  };
  if (fields.includeUsage) chunk.usage = null;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

describe('ChatChunkWriter frames', () => {
  it.each([true, false])('are byte-identical to the serialised chunk object (include_usage %s)', (includeUsage) => {
    const model = 'route "quoted" \u2028 name';
    const writer = new ChatChunkWriter(model, 'chatcmpl-default', includeUsage);
    const fields = { id: 'chatcmpl-upstream"1', created: 1_700_000_000, model, includeUsage };
    expect(writer.frame({ type: 'response-metadata', id: fields.id, created: fields.created })).toBe('');
    expect(writer.frame({ type: 'text-delta', text: 'Hi "there"\n', choice: 0 })).toBe(
      reference(fields, [
        { index: 0, delta: { role: 'assistant', content: 'Hi "there"\n' }, logprobs: null, finish_reason: null },
      ]),
    );
    expect(writer.frame({ type: 'text-delta', text: '…', choice: 0 })).toBe(
      reference(fields, [{ index: 0, delta: { content: '…' }, logprobs: null, finish_reason: null }]),
    );
    expect(writer.frame({ type: 'finish', finishReason: 'stop', choice: 0 })).toBe(
      reference(fields, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    );
    const tail = writer.end();
    expect(tail.endsWith('data: [DONE]\n\n')).toBe(true);
    for (const frame of tail.split('\n\n').filter(Boolean)) expect(frame.startsWith('data: ')).toBe(true);
  });

  it('uses its default id until the upstream names one', () => {
    const writer = new ChatChunkWriter('m', 'chatcmpl-default', false);
    const frame = writer.frame({ type: 'text-delta', text: 'a', choice: 0 });
    expect(JSON.parse(frame.slice('data: '.length))).toMatchObject({
      id: 'chatcmpl-default',
      model: 'm',
      object: 'chat.completion.chunk',
    });
    writer.frame({ type: 'response-metadata', id: 'chatcmpl-late' });
    expect(JSON.parse(writer.frame({ type: 'text-delta', text: 'b', choice: 0 }).slice('data: '.length)).id).toBe(
      'chatcmpl-late',
    );
  });
});
