import { describe, expect, it } from 'vitest';
import { chatCompletionResponseSchema } from './openai-response-schemas';
import { isPlainChatCompletion } from './plain-chat-completion';
import { fullChatCompletionBody } from './test-support/chat-completion-bodies';

const full = fullChatCompletionBody();
const withChoice = (choice: unknown) => ({ ...full, choices: [choice] });
const withMessage = (message: unknown) => withChoice({ index: 0, message, finish_reason: 'stop' });

// [name, body, expected fast-path verdict]
const bodies: Array<[string, unknown, boolean]> = [
  ['a full OpenAI body', full, true],
  [
    'nulls where the schema takes null',
    {
      ...full,
      system_fingerprint: null,
      usage: null,
      choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: null }, finish_reason: null }],
    },
    true,
  ],
  ['no choices', { ...full, choices: [] }, true],
  [
    'tool calls in the documented shape',
    withMessage({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
    }),
    true,
  ],
  [
    'a tool call missing its pieces (the schema leaves them optional)',
    withMessage({ role: 'assistant', tool_calls: [{ function: {} }, {}] }),
    true,
  ],
  ['no usage, model or object', { id: 'x', created: 1, choices: [] }, true],
  ['an empty id', { ...full, id: '' }, true],
  ['no id (the schema defaults it)', { created: 1, choices: [] }, false],
  ['no created (the schema defaults it)', { id: 'x', choices: [] }, false],
  [
    'a choice without index (the schema defaults it)',
    withChoice({ message: { role: 'assistant', content: 'x' } }),
    false,
  ],
  ['a message without role (the schema defaults it)', withMessage({ content: 'x' }), false],
  ['content that is not text', withMessage({ role: 'assistant', content: 5 }), false],
  ['a choice without message', withChoice({ index: 0, finish_reason: 'stop' }), false],
  [
    'a finish reason that is not text',
    withChoice({ index: 0, message: { role: 'assistant' }, finish_reason: 1 }),
    false,
  ],
  ['tool calls that are not a list', withMessage({ role: 'assistant', tool_calls: {} }), false],
  [
    'a tool call name that is not text',
    withMessage({ role: 'assistant', tool_calls: [{ function: { name: 1 } }] }),
    false,
  ],
  ['a null tool call id', withMessage({ role: 'assistant', tool_calls: [{ id: null }] }), false],
  ['choices that are not a list', { ...full, choices: {} }, false],
  ['no choices at all', { id: 'x', created: 1 }, false],
  ['usage with text counts', { ...full, usage: { prompt_tokens: '1' } }, false],
  ['an infinite token count (1e999 in JSON)', { ...full, usage: { prompt_tokens: Number.POSITIVE_INFINITY } }, false],
  ['a null model', { ...full, model: null }, false],
  ['created as text', { ...full, created: 'now' }, false],
  ['an array', [full], false],
  ['null', null, false],
];

describe('isPlainChatCompletion (the fast path that skips the response schema)', () => {
  it.each(bodies)('%s', (_name, body, plain) => {
    expect(isPlainChatCompletion(body)).toBe(plain);
    const parsed = chatCompletionResponseSchema.safeParse(body);
    // Whatever it lets through, the schema accepts and leaves equal (no default it would have added).
    if (plain) expect(parsed.success && parsed.data).toEqual(body);
  });
});
