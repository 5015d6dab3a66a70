import type { FakeHeaders } from '../merge-headers.js';
import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import { canSee, checkRouterToken, hasGatedAccess } from './fake-hf-auth.js';
import { badRequest, FakeHfError } from './fake-hf-error.js';
import { chatCompletion, completion, tgiGeneration } from './fake-hf-generation.js';
import { answerEndpoint, type FakeListOptions } from './fake-hf-lists.js';
import type { FakeHfModel } from './fake-hf-models.js';
import type { FakeHfState, NormalizedFakeModel } from './fake-hf-state.js';
import { type FakeTaskRequest, fakeTaskAnswers } from './fake-hf-tasks.js';

/** What an inference route was asked to run. */
export interface InferenceTarget {
  modelId: string;
  /** `''`, `/pipeline/{task}`, `/v1/chat/completions` or `/v1/completions`. */
  suffix: string;
  /** A dedicated endpoint skips model lookup and (when public) auth; its container may take lists. */
  endpoint?: { public: boolean } & FakeListOptions;
}

const SENTENCE_TRANSFORMER_TASKS = ['feature-extraction', 'sentence-similarity'];
/** Tasks whose `inputs` is text: the ones `x-compute-characters` counts. */
const TEXT_INPUT_TASKS = new Set([
  'text-classification',
  'token-classification',
  'zero-shot-classification',
  'fill-mask',
  'summarization',
  'translation',
  'text-to-image',
  'text-to-speech',
]);

/** Serves hf-inference (`/hf-inference/models/{id}…`) and dedicated endpoints in their wire shapes. */
export async function answerInference(
  state: FakeHfState,
  request: RecordedRequest,
  response: FakeResponseTools,
  target: InferenceTarget,
): Promise<void> {
  const requestId = state.nextRequestId();
  const headers: FakeHeaders = {
    'x-request-id': requestId,
    'x-inference-provider': 'hf-inference',
    'x-compute-type': 'cpu',
  };
  const fail = (status: number, body: unknown) => response.json(status, body, headers);

  let token: string | undefined;
  if (!target.endpoint?.public) {
    const auth = checkRouterToken(request, response, state.tokens, requestId);
    if ('answered' in auth) return;
    token = auth.token;
  }
  const model = state.models.get(target.modelId);
  if (!model || !canSee(model, token)) return fail(404, { error: `Model ${target.modelId} does not exist` });
  if (!hasGatedAccess(model, token)) {
    return fail(403, {
      error: `Access to model ${model.id} is restricted and you are not in the authorized list. Visit https://huggingface.co/${model.id} to ask for access.`,
    });
  }
  if (model.loading) {
    const answered = state.loadingAnswers.get(model.id) ?? 0;
    if (answered < model.loading.times) {
      state.loadingAnswers.set(model.id, answered + 1);
      return fail(503, {
        error: `Model ${model.id} is currently loading`,
        estimated_time: model.loading.estimatedTime,
      });
    }
  }

  try {
    const isJson = (request.headers['content-type'] ?? '').includes('json');
    const body = isJson ? parseJson(request) : {};
    if (target.suffix === '/v1/chat/completions')
      return await sendOpenAi(response, strictChat(chatCompletion(body, model.id), body, model), headers, model);
    if (target.suffix === '/v1/completions')
      return await sendOpenAi(response, completion(body, model.id), headers, model);
    const task = pipelineFor(model, target.suffix);
    if (task === 'text-generation') return await sendTgi(response, tgiGeneration(body), model, headers);
    const answer = fakeTaskAnswers[task];
    if (!answer) throw badRequest(`Task ${task} is not served by this fake`);
    const taskRequest: FakeTaskRequest = isJson
      ? { inputs: body.inputs, parameters: (body.parameters ?? {}) as Record<string, unknown>, body, model }
      : {
          inputs: undefined,
          parameters: {},
          body: {},
          model,
          media: { bytes: request.body, contentType: request.headers['content-type'] ?? '' },
        };
    if (isJson && taskRequest.inputs === undefined) throw new FakeHfError(400, { error: 'Missing inputs' });
    const result = target.endpoint ? answerEndpoint(task, taskRequest, answer, target.endpoint) : answer(taskRequest);
    const usageHeaders: FakeHeaders = { ...headers, 'x-compute-time': '0.012' };
    const characters = textCharacters(taskRequest.inputs);
    if (characters !== undefined && TEXT_INPUT_TASKS.has(task))
      usageHeaders['x-compute-characters'] = String(characters);
    if ('json' in result) response.json(200, result.json, usageHeaders);
    else response.bytes(200, result.bytes, result.contentType, usageHeaders);
  } catch (error) {
    if (error instanceof FakeHfError) return fail(error.status, error.body);
    throw error;
  }
}

/** Characters of a text input or a list of texts (the call's total), else undefined. */
function textCharacters(inputs: unknown): number | undefined {
  if (typeof inputs === 'string') return inputs.length;
  if (Array.isArray(inputs) && inputs.every((item) => typeof item === 'string'))
    return inputs.reduce((sum: number, item: string) => sum + item.length, 0);
  return undefined;
}

function parseJson(request: RecordedRequest): Record<string, unknown> {
  try {
    const body = request.json();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Expected a JSON object');
    return body as Record<string, unknown>;
  } catch (error) {
    if (error instanceof FakeHfError) throw error;
    throw badRequest('Invalid JSON body');
  }
}

/** `/pipeline/{task}` picks feature-extraction vs sentence-similarity on sentence-transformers models (wire/hf §1.3). */
function pipelineFor(model: NormalizedFakeModel, suffix: string): string {
  if (!suffix) return model.pipelineTag;
  const task = suffix.slice('/pipeline/'.length);
  if (
    SENTENCE_TRANSFORMER_TASKS.includes(task) &&
    (SENTENCE_TRANSFORMER_TASKS.includes(model.pipelineTag) || task === model.pipelineTag)
  )
    return task;
  throw new FakeHfError(400, { error: `Pipeline ${task} is not available for model ${model.id}` });
}

type OpenAiResult = { stream: boolean; json: unknown; chunks(): object[] };

/** A strict server (`refusesUnknownFields`) refuses `stream_options`, as a TGI without it would (422 validation). */
function strictChat(result: OpenAiResult, body: Record<string, unknown>, model: FakeHfModel): OpenAiResult {
  if (model.refusesUnknownFields && body.stream_options !== undefined) {
    throw new FakeHfError(422, {
      error: 'Failed to deserialize the JSON body into the target type: unknown field `stream_options`',
      error_type: 'validation',
    });
  }
  return result;
}

async function sendOpenAi(
  response: FakeResponseTools,
  result: OpenAiResult,
  headers: FakeHeaders,
  model?: FakeHfModel,
): Promise<void> {
  if (!result.stream || model?.ignoresStream) return response.json(200, result.json, headers);
  // TGI 2.x chat streams: the finish chunk, then the body closes without `[DONE]` (wire/hf §7).
  if (model?.chatStreamWithoutDone) return writeTgiFrames(response, result.chunks(), headers);
  await response.sse(result.chunks(), { done: true, headers });
}

/** TGI frames are `data:{…}` without a space and end without `[DONE]` (wire/hf §7.1). */
function writeTgiFrames(response: FakeResponseTools, events: readonly unknown[], headers: FakeHeaders): void {
  response.raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
  } as Record<string, string>);
  response.raw.flushHeaders();
  for (const event of events) {
    if (response.signal.aborted) return;
    response.raw.write(`data:${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`);
  }
  response.raw.end();
}

async function sendTgi(
  response: FakeResponseTools,
  result: ReturnType<typeof tgiGeneration>,
  model: NormalizedFakeModel,
  headers: FakeHeaders,
): Promise<void> {
  if (!result.stream || model.ignoresStream)
    return response.json(200, result.json, { ...headers, 'x-compute-time': '0.051' });
  writeTgiFrames(response, result.events(model), headers);
}

/** Chat on the OpenAI-compatible router (`model` = `org/name[:variant]`, wire/hf §1.5). */
export async function answerRouterChat(
  state: FakeHfState,
  request: RecordedRequest,
  response: FakeResponseTools,
): Promise<void> {
  const requestId = state.nextRequestId();
  const auth = checkRouterToken(request, response, state.tokens, requestId);
  if ('answered' in auth) return;
  let body: Record<string, unknown>;
  try {
    body = parseJson(request);
  } catch {
    return response.json(
      400,
      { error: { message: 'Invalid JSON body', type: 'invalid_request_error' } },
      { 'x-request-id': requestId },
    );
  }
  const requested = typeof body.model === 'string' ? body.model : '';
  const colon = requested.lastIndexOf(':');
  const modelId = colon === -1 ? requested : requested.slice(0, colon);
  const variant = colon === -1 ? undefined : requested.slice(colon + 1);
  const model = state.models.get(modelId);
  // The router's own error shape is OpenAI-style (wire/hf §2.2; exact text unverified).
  if (!model || !canSee(model, auth.token) || !(model.tags ?? []).includes('conversational')) {
    return response.json(
      400,
      {
        error: {
          message: `The requested model '${requested}' is not supported by any provider you have enabled.`,
          type: 'invalid_request_error',
          param: 'model',
          code: 'model_not_supported',
        },
      },
      { 'x-request-id': requestId },
    );
  }
  const provider = variant && !['fastest', 'cheapest', 'preferred'].includes(variant) ? variant : 'hf-inference';
  try {
    await sendOpenAi(
      response,
      strictChat(chatCompletion(body, model.id), body, model),
      { 'x-request-id': requestId, 'x-inference-provider': provider },
      model,
    );
  } catch (error) {
    if (error instanceof FakeHfError) return response.json(error.status, error.body, { 'x-request-id': requestId });
    throw error;
  }
}
