import { describe, expect, it } from 'vitest';
import { chatEnvelopeOf } from './chat-envelope';
import { openaiChatEnvelope, routerChatEnvelope } from './request-schemas';

const bodies: Array<Record<string, unknown>> = [
  { model: 'bench-chat', messages: [] },
  { model: 'hf:org/name@main', stream: true, stream_options: { include_usage: true } },
  { model: 'm', stream: false, stream_options: null },
  { model: 'm', stream: null, stream_options: { include_usage: null, other: 1 } },
  { model: 'm', max_completion_tokens: 16 },
  { model: 'm', max_completion_tokens: 0 },
  { model: 'm', max_completion_tokens: 1.5 },
  { model: 'm', max_completion_tokens: null },
  { model: '' },
  { model: '   ' },
  { model: null },
  { model: 3 },
  {},
  { model: 'm', stream: 'yes' },
  { model: 'm', stream_options: [] },
  { model: 'm', stream_options: 'x' },
  { model: 'm', stream_options: { include_usage: 1 } },
];

const fields = (envelope: Record<string, unknown> | undefined) => ({
  model: envelope?.model,
  stream: envelope?.stream === true,
  includeUsage: (envelope?.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true,
  maxCompletionTokens: envelope?.max_completion_tokens ?? undefined,
});

describe('chatEnvelopeOf', () => {
  it('passes and refuses exactly what the envelope schema does, with the same fields', () => {
    for (const [schema, pathModel] of [
      [openaiChatEnvelope, undefined],
      [routerChatEnvelope, 'org/name'],
    ] as const) {
      for (const body of bodies) {
        const expected = schema.safeParse(body);
        if (!expected.success) {
          expect(() => chatEnvelopeOf(body, pathModel), JSON.stringify(body)).toThrow(
            expect.objectContaining({ code: 'caller_invalid_input' }),
          );
          continue;
        }
        expect(fields(chatEnvelopeOf(body, pathModel)), JSON.stringify(body)).toEqual(fields(expected.data));
      }
    }
  });
});
