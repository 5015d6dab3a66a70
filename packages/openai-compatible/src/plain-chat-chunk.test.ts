import { describe, expect, it } from 'vitest';
import { chatCompletionChunkSchema } from './openai-response-schemas';
import { isPlainChatChunk } from './plain-chat-chunk';

const text = {
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content: 'hi' }, logprobs: null, finish_reason: null }],
};

// [name, chunk, expected fast-path verdict]
const chunks: Array<[string, unknown, boolean]> = [
  ['a text delta', text, true],
  [
    'the first delta with a role',
    { ...text, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    true,
  ],
  ['a finish chunk', { ...text, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }, true],
  [
    'a usage chunk',
    {
      ...text,
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3, completion_tokens_details: {} },
    },
    true,
  ],
  [
    'nulls where the schema takes null',
    {
      id: 'c',
      choices: [{ index: 0, delta: { role: null, content: null, tool_calls: null }, finish_reason: null }],
      usage: null,
    },
    true,
  ],
  ['no choices at all', { id: 'c' }, true],
  ['a delta of null', { choices: [{ index: 1, delta: null }] }, true],
  ['a choice without index (the schema defaults it)', { choices: [{ delta: { content: 'x' } }] }, false],
  [
    'tool-call deltas',
    { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }] },
    false,
  ],
  ['content that is not text', { choices: [{ index: 0, delta: { content: 5 } }] }, false],
  ['a finish reason that is not text', { choices: [{ index: 0, delta: {}, finish_reason: 1 }] }, false],
  ['a null id', { id: null, choices: [] }, false],
  ['created as text', { created: 'now' }, false],
  ['choices that are not a list', { choices: {} }, false],
  ['usage with text counts', { usage: { prompt_tokens: '1' } }, false],
  ['an array', [text], false],
  ['null', null, false],
];

describe('isPlainChatChunk (the fast path that skips the chunk schema)', () => {
  it.each(chunks)('%s', (_name, chunk, plain) => {
    expect(isPlainChatChunk(chunk)).toBe(plain);
    if (plain) {
      // Whatever it lets through, the schema accepts and leaves equal (no default it would have added).
      const parsed = chatCompletionChunkSchema.safeParse(chunk);
      expect(parsed.success).toBe(true);
      expect(parsed.data).toEqual(chunk);
    }
  });
});
