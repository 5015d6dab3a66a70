import { z } from 'zod';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, objectExpected, positiveIntSchema } from './shared-schemas';

const contentPartSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('text'), text: z.string({ error: 'expected the text (a string)' }) }),
    z.strictObject({
      type: z.literal('image_url'),
      image_url: z.strictObject(
        {
          url: z.string({ error: 'expected an http(s) or data: URL (a string)' }).min(1),
          detail: z.enum(['auto', 'low', 'high']).optional(),
        },
        { error: objectExpected('{ url }') },
      ),
    }),
  ],
  { error: 'expected a content part { type: "text", text } or { type: "image_url", image_url: { url } }' },
);

const functionDefinitionSchema = z.strictObject(
  {
    name: z.string({ error: 'expected the function name (a string)' }).min(1),
    description: z.string().nullable().optional(),
    /** A JSON Schema object for the arguments. */
    parameters: z.unknown().optional(),
    strict: z.boolean().nullable().optional(),
  },
  { error: objectExpected('a function definition { name, description?, parameters? }') },
);

const toolCallSchema = z.strictObject({
  id: z.string(),
  type: z.string(),
  function: z.strictObject({
    name: z.string(),
    /** JSON text, as the model produced it (OpenAI); TGI may send an object. */
    arguments: z.union([z.string(), z.record(z.string(), z.unknown())]),
  }),
});

const messageSchema = z
  .strictObject(
    {
      role: z.string({ error: 'expected a role ("system", "user", "assistant", "tool", …)' }).min(1),
      content: z
        .union([z.string(), z.array(contentPartSchema)], {
          error: 'expected the message content: a string or a list of content parts',
        })
        .nullable()
        .optional(),
      name: z.string().nullable().optional(),
      tool_calls: z.array(toolCallSchema).optional(),
      /** For `role: "tool"` replies (OpenAI); not in the TGI spec, which has no tool results. */
      tool_call_id: z.string().optional(),
    },
    { error: objectExpected('a message { role, content }') },
  )
  .refine((message) => message.content != null || message.tool_calls !== undefined, {
    message: 'expected `content` (or `tool_calls` for an assistant message)',
    path: ['content'],
  });

const responseFormatSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('text') }),
    z.strictObject({ type: z.literal('json_object') }),
    z.strictObject({
      type: z.literal('json_schema'),
      json_schema: z.strictObject({
        name: z.string({ error: 'expected the schema name (a string)' }),
        description: z.string().nullable().optional(),
        schema: z.record(z.string(), z.unknown()).nullable().optional(),
        strict: z.boolean().nullable().optional(),
      }),
    }),
  ],
  { error: 'expected { type: "text" | "json_object" } or { type: "json_schema", json_schema: { name, schema } }' },
);

const toolChoiceSchema = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.strictObject({ type: z.literal('function').optional(), function: z.strictObject({ name: z.string() }) }),
  ],
  { error: 'expected "auto", "none", "required" or { function: { name } }' },
);

const chatMessageOutputSchema = z.looseObject({
  role: z.string(),
  /** `null` when the model only called tools. */
  content: z.string().nullable().default(null),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.string(),
        function: z.looseObject({ name: z.string(), arguments: z.unknown() }),
      }),
    )
    .optional(),
});

export const chatCompletion = defineTask({
  id: 'chat-completion',
  summary: 'Chat with an instruction model (OpenAI-shaped messages, tools, JSON output).',
  hfSpec: 'chat-completion',
  streaming: true,
  // `model` and `stream` are not inputs: the client chooses them.
  input: z.strictObject({
    messages: z
      .array(messageSchema, { error: 'expected a list of messages [{ role, content }]' })
      .min(1, 'expected at least one message'),
    max_tokens: nonNegativeIntSchema.optional(),
    temperature: z.number().min(0).max(2).optional(),
    top_p: z.number().min(0).max(1).optional(),
    frequency_penalty: z.number().min(-2).max(2).optional(),
    presence_penalty: z.number().min(-2).max(2).optional(),
    stop: z
      .union([z.string(), z.array(z.string())], { error: 'expected a stop sequence or a list of them (strings)' })
      .optional(),
    seed: nonNegativeIntSchema.optional(),
    n: positiveIntSchema.optional(),
    logprobs: z.boolean().optional(),
    top_logprobs: nonNegativeIntSchema.optional(),
    /** OpenAI: `{ tokenId: bias }`; the TGI spec types it as a list of floats (and ignores it). */
    logit_bias: z
      .union([z.record(z.string(), z.number()), z.array(z.number())], { error: 'expected { tokenId: bias } (numbers)' })
      .optional(),
    response_format: responseFormatSchema.optional(),
    tools: z
      .array(
        z.strictObject(
          { type: z.literal('function', { error: 'expected "function"' }), function: functionDefinitionSchema },
          { error: objectExpected('a tool { type: "function", function }') },
        ),
        { error: 'expected a list of tools' },
      )
      .optional(),
    tool_choice: toolChoiceSchema.optional(),
    tool_prompt: z.string().optional(),
    stream_options: z
      .strictObject({ include_usage: z.boolean().optional() }, { error: objectExpected('{ include_usage }') })
      .optional(),
    reasoning_effort: z.string().optional(),
  }),
  output: z.looseObject({
    id: z.string(),
    object: z.string().optional(),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z.looseObject({
        index: z.number(),
        message: chatMessageOutputSchema,
        finish_reason: z.string().nullable(),
        logprobs: z.unknown().optional(),
      }),
    ),
    usage: z
      .looseObject({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
      .nullable()
      .optional(),
    system_fingerprint: z.string().nullable().optional(),
  }),
  example: {
    input: { messages: [{ role: 'user', content: "How many 'G's in 'huggingface'?" }], max_tokens: 64 },
    output: {
      id: 'chatcmpl-8f2c1e',
      object: 'chat.completion',
      created: 1764057600,
      model: 'openai/gpt-oss-120b',
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: "There are 3 'G's in 'huggingface'." },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 19, completion_tokens: 12, total_tokens: 31 },
    },
  },
});
