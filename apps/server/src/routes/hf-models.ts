import { setTimeout as sleep } from 'node:timers/promises';
import {
  getTask,
  InfermuxError,
  isTaskId,
  parseModelRef,
  parseWith,
  type RunResult,
  type TaskId,
} from '@infermux/core';
import { relayStream, runTask } from '../engine/call-task';
import type { Endpoint, GatewayServices } from '../gateway-services';
import { isJsonMediaType, mediaType } from '../http/content-type';
import {
  isUndeclaredJson,
  parseJsonObject,
  readJsonBody,
  refuseUnpreflightedBrowserPost,
  unsupportedMediaType,
} from '../http/parse-json-body';
import { readBody, tooLarge } from '../http/read-body';
import type { RequestContext } from '../http/request-context';
import { sendBody, sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { hfReply } from '../wire/hf-output';
import { openaiCompletionRequest, routerCompletionRequest } from '../wire/request-schemas';
import {
  CompletionChunkWriter,
  completionObject,
  TgiChunkWriter,
  textGenerationFromCompletion,
} from '../wire/text-completion';
import { answerChat } from './openai-chat';

type HfPath =
  | { model: string; kind: 'task'; pipelineTask?: string }
  | { model: string; kind: 'chat' }
  | { model: string; kind: 'completions' };

/** `/models/{org}/{name}[/pipeline/{task} | /v1/chat/completions | /v1/completions]` → what is asked. */
export function parseHfPath(rest: string): HfPath {
  const trimmed = rest.replace(/\/+$/, '');
  if (trimmed.endsWith('/v1/chat/completions'))
    return { model: trimmed.slice(0, -'/v1/chat/completions'.length), kind: 'chat' };
  if (trimmed.endsWith('/v1/completions'))
    return { model: trimmed.slice(0, -'/v1/completions'.length), kind: 'completions' };
  const pipeline = /^(.+)\/pipeline\/([a-z-]+)$/.exec(trimmed);
  if (pipeline) return { model: pipeline[1] as string, kind: 'task', pipelineTask: pipeline[2] as string };
  return { model: trimmed, kind: 'task' };
}

/** `?task=`, the `x-infermux-task` header or the HF `/pipeline/{task}` suffix: the task the caller named, if any. */
function namedTask(context: RequestContext, pipelineTask: string | undefined): TaskId | undefined {
  const named =
    context.query?.get('task') ?? (context.request.headers['x-infermux-task'] as string | undefined) ?? pipelineTask;
  if (named === undefined) return undefined;
  if (!isTaskId(named)) getTask(named); // throws the typed "unknown task" error listing the known ones
  return named as TaskId;
}

/** The task from the model's own pipeline tag, asked of a provider that can describe models (the HF Hub). */
async function inferTask(context: RequestContext, services: GatewayServices, model: string): Promise<TaskId> {
  const inferred = await context.upstream(() => services.engine.inferTask(model, context.abort.signal));
  if (inferred) return inferred;
  throw new InfermuxError({
    code: 'caller_invalid_input',
    message: `Cannot tell which task to run for "${model}": add ?task=<task> to the URL or send the x-infermux-task header.`,
    details: { field: 'task' },
  });
}

const binaryTypes = /^(image|audio|video)\/|^application\/octet-stream$/;
const passThroughPrefixes = ['data:', 'http://', 'https://'];

/** HF JSON sends images/audio as bare base64 in `inputs`; core takes bytes, so decode them here. */
function decodeBase64Inputs(task: TaskId, input: Record<string, unknown>): void {
  for (const path of getTask(task).binaryInputs ?? []) {
    const segments = path.split('.');
    let holder: Record<string, unknown> | undefined = input;
    for (const segment of segments.slice(0, -1)) {
      const next: unknown = holder?.[segment];
      holder = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
    }
    const field = segments[segments.length - 1] as string;
    const value = holder?.[field];
    if (holder && typeof value === 'string' && !passThroughPrefixes.some((prefix) => value.startsWith(prefix))) {
      holder[field] = Buffer.from(value, 'base64');
    }
  }
}

/** Legacy body `options` (`use_cache`, `wait_for_model`), superseded by the `x-use-cache` / `x-wait-for-model` headers. */
interface HfOptions {
  use_cache?: unknown;
  wait_for_model?: unknown;
}

interface HfInput {
  input: Record<string, unknown>;
  stream: boolean;
  options: HfOptions;
}

/** A request body as read, before its task is known: a JSON object, or media bytes. */
type HfBody =
  | { kind: 'json'; body: Record<string, unknown>; size: number }
  | { kind: 'bytes'; bytes: Buffer; type: string };

function takesBinaryInputs(task: TaskId): boolean {
  return (getTask(task).binaryInputs ?? []).includes('inputs');
}

/**
 * Reads and checks the body before anything goes to the Hub or upstream (the task may still be unknown: then
 * `named` is undefined and the larger binary limit applies until it is). JSON is declared JSON, `text/plain`,
 * or an untyped body that starts like one (`requests.post(url, data=f.read())` sends image bytes untyped too):
 * HF's API reads the bytes whatever the type (wire/hf §2.3).
 */
async function readHfBody(
  context: RequestContext,
  services: GatewayServices,
  named: TaskId | undefined,
): Promise<HfBody> {
  const limits = services.settings.bodyLimits;
  const type = mediaType(context.request.headers['content-type']);
  const binary = named === undefined ? undefined : takesBinaryInputs(named);
  const mediaBody = type !== '' && binaryTypes.test(type);
  if (!mediaBody && !isJsonMediaType(type) && !isUndeclaredJson(type))
    throw unsupportedMediaType(type, 'application/json, image/*, audio/* or application/octet-stream');
  if (mediaBody && binary === false) throw unsupportedMediaType(type, `application/json (task ${named} takes JSON)`);
  if (isUndeclaredJson(type)) refuseUnpreflightedBrowserPost(context.request, type);
  const bytes = await readBody(
    context.request,
    binary === false ? limits.jsonBytes : limits.binaryBytes,
    binary === false ? 'JSON body' : 'binary body',
  );
  if (!mediaBody && (type !== '' || binary === false || startsLikeJson(bytes)))
    return { kind: 'json', body: parseJsonObject(bytes), size: bytes.length };
  if (bytes.length === 0)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'The request body is empty: expected the image or audio bytes.',
      details: { field: 'body' },
    });
  return { kind: 'bytes', bytes, type };
}

/** An untyped body is JSON when its first non-blank byte opens an object (no image or audio format starts so). */
function startsLikeJson(bytes: Buffer): boolean {
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b;
  }
  return true;
}

/** The task's input from the body read, once the task is known. */
function hfInput(task: TaskId, read: HfBody, jsonLimit: number): HfInput {
  const binary = takesBinaryInputs(task);
  if (read.kind === 'bytes') {
    if (!binary)
      throw unsupportedMediaType(read.type || 'none (raw bytes)', `application/json (task ${task} takes JSON)`);
    return { input: { inputs: read.bytes }, stream: false, options: {} };
  }
  // Read under the binary limit while the task was unknown: a JSON-only task keeps its own.
  if (!binary && read.size > jsonLimit) throw tooLarge(jsonLimit, 'JSON body');
  const { options, stream, ...input } = read.body;
  decodeBase64Inputs(task, input);
  return {
    input,
    stream: stream === true,
    options: options && typeof options === 'object' ? (options as HfOptions) : {},
  };
}

/** `x-wait-for-model: true` (or legacy `options.wait_for_model`): hold the request while the model loads. */
function waitsForModel(context: RequestContext, options: HfOptions): boolean {
  return context.request.headers['x-wait-for-model'] === 'true' || options.wait_for_model === true;
}

/** `x-use-cache: false` (or legacy `options.use_cache: false`) also bypasses core's own response cache. */
function usesCache(context: RequestContext, options: HfOptions): boolean {
  return context.request.headers['x-use-cache'] !== 'false' && options.use_cache !== false;
}

/** Headers HF understands, passed on to an HF upstream as the caller sent them. */
function upstreamHeaders(context: RequestContext): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const name of ['x-use-cache', 'x-wait-for-model'] as const) {
    const value = context.request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return Object.keys(headers).length > 0 ? headers : undefined;
}

async function runWaitingForModel(
  context: RequestContext,
  services: GatewayServices,
  call: Parameters<typeof runTask>[2],
  wait: boolean,
): Promise<RunResult> {
  for (;;) {
    try {
      return await runTask(context, services, call);
    } catch (error) {
      // While a model loads, core's breaker may open on the repeated 503s; holding the request means waiting that out too.
      if (
        !wait ||
        !InfermuxError.isInstance(error) ||
        (error.code !== 'provider_model_loading' && error.code !== 'gateway_circuit_open')
      )
        throw error;
      const delay = Math.min(Math.max(error.retryAfterMs ?? 1000, 250), 10_000);
      await context
        .upstream(() => sleep(delay, undefined, { signal: context.abort.signal }))
        .catch(() => {
          throw error;
        });
    }
  }
}

async function answerTask(
  context: RequestContext,
  services: GatewayServices,
  path: Extract<HfPath, { kind: 'task' }>,
): Promise<void> {
  const named = namedTask(context, path.pipelineTask);
  // A body that may be JSON is read and checked before the Hub is asked for the task. Raw image/audio bytes, and
  // a body announced beyond the JSON limit (only a binary task takes one), wait for the task: only it gives their
  // limit, and a model the Hub does not know then costs no upload.
  const type = mediaType(context.request.headers['content-type']);
  const announced = Number(context.request.headers['content-length']);
  const readFirst =
    named !== undefined ||
    ((type === '' || !binaryTypes.test(type)) && !(announced > services.settings.bodyLimits.jsonBytes));
  let read = readFirst ? await readHfBody(context, services, named) : undefined;
  // A task read from the Hub is one of its pipeline tags, all `{inputs, parameters}`: checked before asking it.
  if (named === undefined && read?.kind === 'json' && read.body.inputs === undefined)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'inputs: expected the HF request body {"inputs": …, "parameters": {…}}.',
      details: { field: 'inputs' },
    });
  const task = named ?? (await inferTask(context, services, path.model));
  read ??= await readHfBody(context, services, task);
  const { input, stream, options } = hfInput(task, read, services.settings.bodyLimits.jsonBytes);
  const headers = upstreamHeaders(context);
  if (stream && task === 'text-generation') {
    await relayStream(
      context,
      services,
      { task, model: path.model, input: input as never, headers },
      new TgiChunkWriter(),
    );
    return;
  }
  const cache = usesCache(context, options) ? undefined : false;
  const result = await runWaitingForModel(
    context,
    services,
    { task, model: path.model, input: input as never, headers, cache },
    waitsForModel(context, options),
  );
  const reply = hfReply(task, result.output);
  const extra = { 'x-inference-provider': result.provider };
  if (reply.kind === 'binary') sendBody(context, 200, reply.data, reply.contentType, extra);
  else sendBody(context, 200, reply.body, 'application/json', extra);
}

async function answerCompletion(context: RequestContext, services: GatewayServices, model: string): Promise<void> {
  const body = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
  await answerCompletionBody(context, services, model, parseWith(routerCompletionRequest, body, 'request body'));
}

/** `body` is checked with `openaiCompletionRequest` (or its router form) already. */
async function answerCompletionBody(
  context: RequestContext,
  services: GatewayServices,
  model: string,
  body: Record<string, unknown>,
): Promise<void> {
  const input = textGenerationFromCompletion(body);
  const id = `cmpl-${context.id.replace(/^req_/, '')}`;
  if (body.stream === true) {
    await relayStream(
      context,
      services,
      { task: 'text-generation', model, input },
      new CompletionChunkWriter(id, model),
    );
    return;
  }
  const result = await runTask(context, services, { task: 'text-generation', model, input });
  const output = result.output as { generated_text: string; details?: { finish_reason?: string } | null };
  sendJson(
    context,
    200,
    completionObject(
      id,
      result.model.id,
      output.generated_text,
      output.details?.finish_reason === 'length' ? 'length' : 'stop',
      result.usage,
    ),
  );
}

async function answerHf(context: RequestContext, services: GatewayServices): Promise<void> {
  // The router decodes the path; an encoded `/`, `\` or `.` in it would change which path the model names.
  if (/%(2f|5c|2e)/i.test(context.path))
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'The model in the path must not contain encoded "/", "\\" or "." (%2F, %5C, %2E): send it as org/name.',
      details: { field: 'model' },
    });
  const path = parseHfPath(context.params.model as string);
  if (!path.model)
    throw new InfermuxError({
      code: 'gateway_not_found',
      message: 'Expected /models/{org}/{name}.',
      details: { field: 'model' },
    });
  parseModelRef(path.model); // a 400 naming `model` before any Hub or upstream call
  admitModel(context, path.model);
  if (path.kind === 'chat') {
    // The HF router's chat route speaks OpenAI, errors included.
    context.format = 'openai';
    await answerChat(
      context,
      services,
      await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes),
      path.model,
    );
    return;
  }
  if (path.kind === 'completions') {
    context.format = 'openai';
    await answerCompletion(context, services, path.model);
    return;
  }
  await answerTask(context, services, path);
}

const summary =
  'Hugging Face inference API: `{inputs, parameters}` JSON or raw image/audio bytes, answered in HF shapes; `/pipeline/{task}`, `/v1/chat/completions` and `/v1/completions` suffixes as on the HF router.';

export const hfModelsEndpoint: Endpoint = {
  method: 'POST',
  path: '/models/{model+}',
  format: 'hf',
  auth: 'key',
  summary,
  handle: answerHf,
};
export const hfInferenceModelsEndpoint: Endpoint = {
  method: 'POST',
  path: '/hf-inference/models/{model+}',
  format: 'hf',
  auth: 'key',
  summary,
  handle: answerHf,
};

/** The legacy top-level OpenAI completions endpoint, on the same text-generation path. */
export const openaiCompletionsEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/completions',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI legacy completions, served by the text-generation task.',
  async handle(context, services) {
    const body = parseWith(
      openaiCompletionRequest,
      await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes),
      'request body',
    );
    admitModel(context, body.model);
    await answerCompletionBody(context, services, body.model, body);
  },
};
