import { getTask, InfermuxError, parseWith, type StreamPart, type TaskId } from '@infermux/core';
import { decodeJobId, encodeJobId, jobStatus, relayStream, runTask, submitTaskJob } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import type { RequestContext } from '../http/request-context';
import { sendBody } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { nativeTaskEnvelope } from '../wire/request-schemas';
import { stringifyWithBytes } from '../wire/stringify-with-bytes';

function taskParam(context: RequestContext): TaskId {
  const task = context.params.task as string;
  try {
    getTask(task);
  } catch (error) {
    throw InfermuxError.isInstance(error)
      ? new InfermuxError({ code: 'gateway_not_found', message: error.message, details: { field: 'task' } })
      : error;
  }
  return task as TaskId;
}

async function envelope(
  context: RequestContext,
  limit: number,
): Promise<{ task: TaskId; model: string; input: unknown; stream: boolean }> {
  const task = taskParam(context);
  const { model, input, stream } = parseWith(
    nativeTaskEnvelope,
    await readJsonBody(context.request, limit),
    'request body',
  );
  admitModel(context, model);
  return { task, model, input, stream: stream === true };
}

/** Native SSE: each core stream part as one event (`text-delta`, `finish`, `usage`, …), then `[DONE]`. */
const nativeFraming = {
  frame: (part: StreamPart) => `data: ${stringifyWithBytes(part)}\n\n`,
  end: () => 'data: [DONE]\n\n',
};

export const nativeTaskEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/tasks/{task}',
  format: 'native',
  auth: 'key',
  summary: 'Runs any task with the core request envelope `{ model, input, stream? }`; answers the result envelope.',
  async handle(context, services) {
    const { task, model, input, stream } = await envelope(context, services.settings.bodyLimits.jsonBytes);
    if (!stream) {
      const result = await runTask(context, services, { task, model, input: input as never });
      sendBody(context, 200, stringifyWithBytes(result), 'application/json');
      return;
    }
    await relayStream(context, services, { task, model, input: input as never }, nativeFraming);
  },
};

export const nativeJobSubmitEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/tasks/{task}/jobs',
  format: 'native',
  auth: 'key',
  summary: 'Starts an async job (image/video generation); answers 202 with the job status and its gateway id.',
  async handle(context, services) {
    const { task, model, input } = await envelope(context, services.settings.bodyLimits.jsonBytes);
    const status = await submitTaskJob(context, services, { task, model, input: input as never });
    sendBody(
      context,
      202,
      stringifyWithBytes({ ...status, id: encodeJobId(task, status.provider, status.jobId) }),
      'application/json',
    );
  },
};

export const nativeJobStatusEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/jobs/{id}',
  format: 'native',
  auth: 'key',
  summary: 'The status of an async job (output once `succeeded`).',
  async handle(context, services) {
    const id = context.params.id as string;
    const status = await jobStatus(context, services, decodeJobId(id));
    sendBody(context, 200, stringifyWithBytes({ ...status, id }), 'application/json');
  },
};

export const nativeJobCancelEndpoint: Endpoint = {
  method: 'DELETE',
  path: '/v1/jobs/{id}',
  format: 'native',
  auth: 'key',
  summary: 'Cancels an async job where the provider allows it.',
  async handle(context, services) {
    const id = context.params.id as string;
    const status = await jobStatus(context, services, decodeJobId(id), true);
    sendBody(context, 200, stringifyWithBytes({ ...status, id }), 'application/json');
  },
};
