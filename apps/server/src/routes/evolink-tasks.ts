import { InfermuxError, isUnsupportedOperation, parseWith } from '@infermux/core';
import { decodeJobId, encodeJobId, jobStatus, submitTaskJob } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import type { RequestContext } from '../http/request-context';
import { sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { type EvolinkTaskKind, evolinkTaskKinds, evolinkTaskObject, isEvolinkTaskKind } from '../wire/evolink-task';
import { evolinkTaskEnvelope } from '../wire/request-schemas';
import { openaiChatEndpoint } from './openai-chat';

/**
 * EvoLink's own wire under the base URL `/evolink` (wire/evolink §3, §4): code written for
 * `https://api.evolink.ai` works with only its base URL changed. Media are tasks: a POST answers a task
 * object, `GET /v1/tasks/{id}` polls it until `results`. The gateway's root `/v1/images/generations` stays
 * OpenAI's (synchronous `{created, data}`), which is why this wire has a base URL of its own.
 */
export const EVOLINK_BASE_PATH = '/evolink';

/** EvoLink's optional fields the gateway cannot honour: named, rather than passed where nothing reads them. */
function refuseCallback(body: Record<string, unknown>): void {
  if (body.callback_url === undefined) return;
  throw new InfermuxError({
    code: 'caller_unsupported',
    message:
      'callback_url: the gateway does not relay task callbacks; poll GET /v1/tasks/{id} until the status is completed or failed.',
    details: { field: 'callback_url' },
  });
}

async function submit(context: RequestContext, task: EvolinkTaskKind, services: Parameters<Endpoint['handle']>[1]) {
  const body = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
  const { model } = parseWith(evolinkTaskEnvelope, body, 'request body');
  admitModel(context, model);
  refuseCallback(body);
  const { model: _model, ...input } = body;
  try {
    const status = await submitTaskJob(context, services, { task, model, input: input as never });
    const createdAt = Math.floor(Date.now() / 1000);
    const id = encodeJobId(task, status.provider, status.jobId, createdAt);
    sendJson(context, 200, evolinkTaskObject(id, status, { task, model, createdAt }));
  } catch (error) {
    // A provider that answers at once has no task to poll: this wire serves job providers only.
    if (!isUnsupportedOperation(error, 'start')) throw error;
    throw new InfermuxError({
      code: 'caller_unsupported',
      message: `model: "${model}" does not run ${task} as a task (its provider answers at once); use POST /v1/images/generations or /v1/videos at the gateway's root (OpenAI's wire) for it.`,
      details: { field: 'model' },
      cause: error,
    });
  }
}

/** `POST /evolink/v1/{images|videos}/generations`: starts the task, answers EvoLink's task object. */
function submitEndpoint(task: EvolinkTaskKind): Endpoint {
  const { type } = evolinkTaskKinds[task];
  return {
    method: 'POST',
    path: `${EVOLINK_BASE_PATH}/v1/${type}s/generations`,
    format: 'openai',
    auth: 'key',
    summary: `EvoLink ${type} generation (EvoLink's wire): starts a ${task} task and answers EvoLink's task object; poll it at /evolink/v1/tasks/{id}.`,
    handle: (context, services) => submit(context, task, services),
  };
}

export const evolinkImageTaskEndpoint = submitEndpoint('image-generation');
export const evolinkVideoTaskEndpoint = submitEndpoint('video-generation');

export const evolinkTaskStatusEndpoint: Endpoint = {
  method: 'GET',
  path: `${EVOLINK_BASE_PATH}/v1/tasks/{id}`,
  format: 'openai',
  auth: 'key',
  summary:
    "EvoLink task status (EvoLink's wire): pending → processing → completed (with `results`, URLs valid 24 h) or failed (with `error`).",
  async handle(context, services) {
    const id = context.params.id as string;
    const job = decodeJobId(id);
    if (!isEvolinkTaskKind(job.task)) {
      throw new InfermuxError({
        code: 'gateway_not_found',
        message: `Job "${id}" is a ${job.task} job, not an image or video task; read it at GET /v1/jobs/{id}.`,
        details: { field: 'id' },
      });
    }
    const status = await jobStatus(context, services, job);
    sendJson(context, 200, evolinkTaskObject(id, status, { task: job.task, createdAt: job.createdAt }));
  },
};

/** EvoLink's chat is OpenAI's (wire/evolink §2): the same endpoint, under EvoLink's base URL too. */
export const evolinkChatEndpoint: Endpoint = {
  ...openaiChatEndpoint,
  path: `${EVOLINK_BASE_PATH}/v1/chat/completions`,
  summary: "OpenAI chat completions under EvoLink's base URL (EvoLink's chat is OpenAI's wire).",
};

/** `/v1/videos/generations` is EvoLink's path, not OpenAI's: say where each wire lives instead of a bare 405. */
export const rootVideoGenerationsEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/videos/generations',
  format: 'openai',
  auth: 'none',
  summary: "EvoLink's video path at the root: answers where EvoLink's wire (/evolink) and OpenAI's (/v1/videos) are.",
  handle() {
    throw new InfermuxError({
      code: 'gateway_not_found',
      message:
        "POST /v1/videos/generations is EvoLink's path: point EvoLink code at this gateway's /evolink base URL (POST /evolink/v1/videos/generations, then GET /evolink/v1/tasks/{id}), or use OpenAI's POST /v1/videos.",
      details: { field: 'path' },
    });
  },
};
