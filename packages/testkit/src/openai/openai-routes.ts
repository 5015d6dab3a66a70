import { randomBytes } from 'node:crypto';
import type { FakeRoute } from '../fake-route.js';
import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import {
  countTokens,
  encodeFloat32Base64,
  fakeEmbedding,
  openAIErrorBody,
  requestId,
  splitDeltas,
} from './openai-wire.js';

export interface FakeChatMessage {
  role: string;
  content?: unknown;
}

export interface FakeOpenAIRouteOptions {
  /** Require `Authorization: Bearer <apiKey>`; anything else gets 401 `invalid_api_key`. */
  apiKey?: string;
  /** Models served; any other gets 404 `model_not_found`. Default: every model name. */
  models?: readonly string[];
  /** The assistant's answer. Default: `You said: <last user message>`. */
  reply?: (request: { model: string; messages: FakeChatMessage[]; prompt?: string }) => string;
  /** Pause between stream chunks (ms). */
  streamDelayMs?: number;
  /** Embedding size; default 8. */
  embeddingDimensions?: number;
  /** Chat id prefix; default `chatcmpl-`. */
  idPrefix?: string;
  /** Extra fields inside `usage` (EvoLink adds `input_tokens`, `output_tokens`, …). */
  extraUsage?: Record<string, unknown>;
  /** The model reported back (a router answers with the model it picked). Default: the requested one. */
  answeredModel?: (requested: string) => string;
}

type Answer = (request: RecordedRequest, response: FakeResponseTools) => void | Promise<void>;

/** The OpenAI routes (`/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, `/v1/models`), following wire/openai.md. */
export function openAIRoutes(options: FakeOpenAIRouteOptions = {}): FakeRoute[] {
  const guarded =
    (answer: Answer): FakeRoute['handler'] =>
    (request, response) => {
      const id = requestId();
      const headers = { 'x-request-id': id };
      if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        response.json(
          401,
          openAIErrorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
          headers,
        );
        return;
      }
      return answer(request, withHeaders(response, headers));
    };
  return [
    {
      method: 'POST',
      path: '/v1/chat/completions',
      handler: guarded((request, response) => chat(request, response, options)),
    },
    {
      method: 'POST',
      path: '/v1/completions',
      handler: guarded((request, response) => completion(request, response, options)),
    },
    {
      method: 'POST',
      path: '/v1/embeddings',
      handler: guarded((request, response) => embeddings(request, response, options)),
    },
    {
      method: 'GET',
      path: '/v1/models',
      handler: guarded((_request, response) =>
        response.json(200, {
          object: 'list',
          data: (options.models ?? ['fake-chat-1', 'fake-embed-1']).map((id) => ({
            id,
            object: 'model',
            created: 1721172741,
            owned_by: 'system',
          })),
        }),
      ),
    },
  ];
}

function withHeaders(response: FakeResponseTools, headers: Record<string, string>): FakeResponseTools {
  return {
    raw: response.raw,
    signal: response.signal,
    json: (status, body, extra) => response.json(status, body, { ...headers, ...extra }),
    text: (status, text, extra) => response.text(status, text, { ...headers, ...extra }),
    bytes: (status, body, type, extra) => response.bytes(status, body, type, { ...headers, ...extra }),
    sse: (events, sse = {}) => response.sse(events, { ...sse, headers: { ...headers, ...sse.headers } }),
  };
}

/** The fields the routes read from a request body (as sent: `readBody` checks only presence and a few rules). */
interface OpenAIRequestBody {
  [field: string]: unknown;
  model: string;
  messages?: FakeChatMessage[];
  input?: string | string[];
  stream_options?: { include_usage?: unknown } | null;
  tools?: Array<{ function: { name: string } }>;
  dimensions?: number;
}

/** Reads and checks the JSON body; answers 400 and returns undefined when it is unusable. */
function readBody(
  request: RecordedRequest,
  response: FakeResponseTools,
  required: string[],
  options: FakeOpenAIRouteOptions,
): OpenAIRequestBody | undefined {
  let body: OpenAIRequestBody;
  try {
    body = request.json<OpenAIRequestBody>();
  } catch {
    response.json(400, openAIErrorBody('We could not parse the JSON body of your request.', 'invalid_request_error'));
    return undefined;
  }
  for (const field of required) {
    if (body[field] === undefined) {
      response.json(
        400,
        openAIErrorBody(
          `Missing required parameter: '${field}'.`,
          'invalid_request_error',
          'missing_required_parameter',
          field,
        ),
      );
      return undefined;
    }
  }
  if (body.stream_options != null && body.stream !== true) {
    response.json(
      400,
      openAIErrorBody(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'invalid_request_error',
        null,
        'stream_options',
      ),
    );
    return undefined;
  }
  if (options.models && !options.models.includes(body.model)) {
    response.json(
      404,
      openAIErrorBody(
        `The model \`${body.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
        'model',
      ),
    );
    return undefined;
  }
  return body;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .join(' ');
  return '';
}

function usageOf(prompt: string, completion: string, options: FakeOpenAIRouteOptions) {
  const promptTokens = countTokens(prompt);
  const completionTokens = countTokens(completion);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    ...options.extraUsage,
  };
}

async function chat(
  request: RecordedRequest,
  response: FakeResponseTools,
  options: FakeOpenAIRouteOptions,
): Promise<void> {
  const body = readBody(request, response, ['model', 'messages'], options);
  if (!body) return;
  const messages = body.messages as FakeChatMessage[];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const reply = options.reply?.({ model: body.model, messages }) ?? `You said: ${textOf(lastUser?.content)}`;
  const prompt = messages.map((message) => textOf(message.content)).join(' ');
  const id = `${options.idPrefix ?? 'chatcmpl-'}${randomBytes(8).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const model = options.answeredModel?.(body.model) ?? body.model;
  const tool =
    Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none' ? body.tools[0] : undefined;
  const toolCall = tool
    ? {
        id: `call_${randomBytes(6).toString('hex')}`,
        type: 'function',
        function: { name: tool.function.name, arguments: '{"ok":true}' },
      }
    : undefined;
  const usage = usageOf(prompt, toolCall ? toolCall.function.arguments : reply, options);

  if (body.stream !== true) {
    response.json(200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: toolCall
            ? { role: 'assistant', content: null, tool_calls: [toolCall] }
            : { role: 'assistant', content: reply, refusal: null },
          logprobs: null,
          finish_reason: toolCall ? 'tool_calls' : 'stop',
        },
      ],
      usage,
      system_fingerprint: 'fp_fake',
    });
    return;
  }

  const chunk = (delta: object, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const events: object[] = [];
  if (toolCall) {
    events.push(
      chunk({
        role: 'assistant',
        content: null,
        tool_calls: [
          { index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } },
        ],
      }),
    );
    for (const piece of ['{"ok":', 'true}'])
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    events.push(chunk({}, 'tool_calls'));
  } else {
    events.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const piece of splitDeltas(reply)) events.push(chunk({ content: piece }));
    events.push(chunk({}, 'stop'));
  }
  if (body.stream_options?.include_usage === true) {
    events.push({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [],
      usage,
    });
  }
  await response.sse(events, { done: true, delayMs: options.streamDelayMs });
}

async function completion(
  request: RecordedRequest,
  response: FakeResponseTools,
  options: FakeOpenAIRouteOptions,
): Promise<void> {
  const body = readBody(request, response, ['model', 'prompt'], options);
  if (!body) return;
  const prompt = String(body.prompt);
  const continuation = options.reply?.({ model: body.model, messages: [], prompt }) ?? ' and so it continues.';
  const text = body.echo === true ? prompt + continuation : continuation;
  const id = `cmpl-${randomBytes(8).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const usage = usageOf(prompt, continuation, options);
  const finishReason = 'stop';
  if (body.stream !== true) {
    response.json(200, {
      id,
      object: 'text_completion',
      created,
      model: body.model,
      system_fingerprint: 'fp_fake',
      choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
      usage,
    });
    return;
  }
  const chunk = (piece: string, finish: string | null) => ({
    id,
    object: 'text_completion',
    created,
    model: body.model,
    choices: [{ text: piece, index: 0, logprobs: null, finish_reason: finish }],
  });
  const events: object[] = splitDeltas(text).map((piece) => chunk(piece, null));
  events.push(chunk('', finishReason));
  if (body.stream_options?.include_usage === true)
    events.push({ id, object: 'text_completion', created, model: body.model, choices: [], usage });
  await response.sse(events, { done: true, delayMs: options.streamDelayMs });
}

function embeddings(request: RecordedRequest, response: FakeResponseTools, options: FakeOpenAIRouteOptions): void {
  const body = readBody(request, response, ['model', 'input'], options);
  if (!body) return;
  const inputs = typeof body.input === 'string' ? [body.input] : (body.input as string[]);
  const dimensions = body.dimensions ?? options.embeddingDimensions ?? 8;
  const base64 = body.encoding_format === 'base64';
  response.json(200, {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = fakeEmbedding(text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? encodeFloat32Base64(vector) : vector };
    }),
    model: body.model,
    usage: {
      prompt_tokens: inputs.reduce((sum, text) => sum + countTokens(text), 0),
      total_tokens: inputs.reduce((sum, text) => sum + countTokens(text), 0),
    },
  });
}
