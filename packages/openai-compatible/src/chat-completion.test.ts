import { getTask } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { mapChatResponse } from './chat-completion';
import { fullChatCompletionBody } from './test-support/chat-completion-bodies';

const context = { provider: 'test', modelId: 'org/model' };
const outputSchema = getTask('chat-completion').output;

// Core does not re-validate what mapChatResponse returns (it is vouched for), so every upstream
// shape the adapter accepts must map to an output that the task's schema accepts.
const upstreamBodies: Array<[string, unknown]> = [
  ['a minimal body (no id, created, model or usage)', { choices: [{ message: { content: 'hi' } }] }],
  ['no choices at all', { id: 'x', created: 1, choices: [] }],
  ['a full OpenAI body', fullChatCompletionBody()],
  [
    'tool calls with missing pieces, null content and nulls everywhere optional',
    {
      id: 'c',
      created: 2,
      system_fingerprint: null,
      choices: [
        {
          index: 1,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { function: { name: 'f' } },
              { id: 'call_2', type: 'function', function: { arguments: '{}' } },
              {},
            ],
          },
          finish_reason: null,
        },
        { message: { content: 'x', tool_calls: [] }, finish_reason: 'tool_calls' },
      ],
      usage: { prompt_tokens: 1 },
    },
  ],
  [
    'an empty usage object and extra fields',
    { choices: [{ message: { role: 'model', content: '' }, extra: true }], usage: {}, provider_specific: { a: 1 } },
  ],
];

describe('mapChatResponse output', () => {
  it.each(upstreamBodies)('satisfies the chat-completion output schema: %s', (_name, body) => {
    const { output } = mapChatResponse(body, context);
    const parsed = outputSchema.safeParse(output);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('fills the defaults, keeps unknown fields and normalises usage and tool calls', () => {
    const body = {
      created: 5,
      service_tier: 'default',
      choices: [
        {
          message: { content: null, tool_calls: [{ function: { name: 'f' }, extra: 1 }], refusal: null },
          logprobs: null,
        },
        { index: 1, message: { role: 'assistant', tool_calls: [] }, finish_reason: 'stop' },
        { index: 2, message: { content: 'x', tool_calls: null } },
      ],
      usage: null,
    };
    const result = mapChatResponse(body, context);
    expect(result.output).toStrictEqual({
      id: '',
      created: 5,
      model: 'org/model',
      service_tier: 'default',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: '', type: 'function', function: { name: 'f', arguments: '' }, extra: 1 }],
          },
          finish_reason: null,
          logprobs: null,
        },
        { index: 1, message: { role: 'assistant', content: null }, finish_reason: 'stop' },
        { index: 2, message: { role: 'assistant', content: 'x' }, finish_reason: null },
      ],
    });
    expect(result.usage).toEqual({});
    const withUsage = mapChatResponse(
      { choices: [], usage: { prompt_tokens: 2, completion_tokens: null, details: {} } },
      context,
    );
    expect(withUsage.output.usage).toStrictEqual({ prompt_tokens: 2, completion_tokens: 0, total_tokens: 0 });
    expect(withUsage.usage).toEqual({ inputTokens: 2, totalTokens: 2 });
  });

  it('rejects an upstream body the adapter cannot map (so nothing unvalidated gets through)', () => {
    expect(() => mapChatResponse({ choices: [{ message: { content: 42 } }] }, context)).toThrow(/chat completion/);
    expect(() => mapChatResponse({ choices: 'nope' }, context)).toThrow(/chat completion/);
  });
});
