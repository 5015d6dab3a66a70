import { performance } from 'node:perf_hooks';
import {
  type ForwardResponse,
  InfermuxError,
  isTaskId,
  isUnsupportedOperation,
  type JobStatus,
  type RequestOptions,
  type RunResult,
  type StreamPart,
  type TaskId,
  waitForJob,
} from '@infermux/core';
import type { GatewayServices } from '../gateway-services';
import { mediaType } from '../http/content-type';
import { pipeBytes, pipeStream, type StreamFraming } from '../http/pipe-stream';
import type { RequestContext } from '../http/request-context';
import { sendBody } from '../http/respond';
import { shutdownError } from '../http/shutdown-error';
import type { GatewayKey } from '../keys/gateway-key';
import { estimateAdmission } from './admission-estimate';

export interface TaskCall<T extends TaskId> {
  task: T;
  model: string;
  input: RequestOptions<T>['input'];
  headers?: Record<string, string>;
  /** `false` skips core's response cache (HF `x-use-cache: false`). */
  cache?: boolean;
}

function modelLabel(model: RunResult['model']): string {
  return model.revision ? `${model.id}@${model.revision}` : model.id;
}

/** Books what a finished core call reports onto the request (for the ledger and metrics). */
export function noteResult(context: RequestContext, result: Omit<RunResult, 'output'>): void {
  context.provider = result.provider;
  context.model = modelLabel(result.model);
  context.attempts = result.attempts.length;
  context.usage = result.usage;
  context.cost = result.cost;
  context.cached = result.cached === true;
}

function noteFailure(context: RequestContext, error: unknown): InfermuxError {
  const typed = callerTokenRefusal(context, InfermuxError.from(error, { code: 'gateway_internal' }));
  if (typed.provider) context.provider = typed.provider;
  // A routed failure lists its attempts; a single-target failure was one attempt (or none, if refused before calling).
  const attempts = typed.details?.attempts;
  if (Array.isArray(attempts)) {
    context.attempts = attempts.length;
    // A route's failure: the model its last attempt tried, as an answer would have booked it.
    const last = attempts.at(-1) as { model?: unknown } | undefined;
    if (typeof last?.model === 'string') context.model = last.model;
  } else if (context.attempts === 0 && typed.provider) context.attempts = 1;
  return timedOut(context) ?? typed;
}

/**
 * An upstream refusing the caller's own passed-on token is the caller's 401/403, not a gateway
 * misconfiguration (the 502 an upstream refusing the gateway's key gets).
 */
function callerTokenRefusal(context: RequestContext, error: InfermuxError): InfermuxError {
  const provider = error.provider;
  if (!provider || !context.credentials || !Object.hasOwn(context.credentials, provider)) return error;
  if (!error.code.startsWith('auth_')) return error;
  context.provider = provider;
  return new InfermuxError({
    code: error.code,
    status: error.status,
    message: `${provider} refused the token in your Authorization header (this gateway passes it on unchanged): ${error.message}`,
    details: { field: 'authorization' },
    cause: error,
  });
}

/** The gateway's own request deadline or shutdown wins over whatever the abort surfaced as. */
function timedOut(context: RequestContext): InfermuxError | undefined {
  if (context.abort.signal.aborted && context.abort.signal.reason === 'shutdown') return shutdownError();
  if (context.abort.signal.aborted && context.abort.signal.reason === 'timeout') {
    return new InfermuxError({
      code: 'gateway_timeout',
      message: 'The request took longer than the gateway allows (server.timeouts.requestMs).',
    });
  }
  return undefined;
}

/**
 * Books the call on the request and reserves its estimate against the key's token and budget limits before
 * anything goes upstream (a 402/429 here costs nothing); the gateway settles it to the actual when the request ends.
 */
function begin(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<TaskId>,
  /** A job submission reserves at least the last quote seen for its model (its own is not known yet). */
  minimumCost = 0,
): Promise<void> | undefined {
  context.task = call.task;
  context.route = call.model;
  const key = context.key;
  // One reservation per request: a job awaited after a failed direct run does not reserve twice. Skipped
  // (no estimate, no price lookup, and no promise for the caller to wait a microtask turn on) when the key
  // meters nothing: the common case.
  if (!key || context.reservation || !services.admission.meters(key)) return undefined;
  return reserve(context, services, key, call, minimumCost);
}

/** `begin`'s reservation for a key with a token rate or a budget. */
async function reserve(
  context: RequestContext,
  services: GatewayServices,
  key: GatewayKey,
  call: TaskCall<TaskId>,
  minimumCost: number,
): Promise<void> {
  const { admission } = services.settings;
  // Only a budget needs a price in advance; checked first, as it loads a catalogue the estimate then uses.
  const priceable =
    admission.unknownCost === 'allow' ||
    services.admission.budgetOf(key) === undefined ||
    (await services.engine.canPrice(call.model));
  if (!priceable && admission.unknownCost === 'reject') throw costUnknownRefusal(key.name, call.model);
  const estimate = estimateAdmission(call.input, services.engine.pricesFor(call.model), admission.defaultOutputTokens);
  if (!priceable) estimate.cost = Math.max(estimate.cost, admission.unknownCostCeiling ?? 0);
  estimate.cost = Math.max(estimate.cost, minimumCost);
  context.reservation = await services.admission.reserve(key, estimate);
}

/** The core request of a gateway call: the call, with the gateway's request id and abort signal. */
function coreRequest<T extends TaskId>(context: RequestContext, call: TaskCall<T>) {
  return {
    model: call.model,
    input: call.input,
    requestId: context.id,
    signal: context.abort.signal,
    headers: call.headers,
    cache: call.cache,
    credentials: context.credentials,
  };
}

/** `admission.unknownCost: reject`: a budget that cannot be kept is not silently exceeded. */
function costUnknownRefusal(keyName: string, model: string): InfermuxError {
  return new InfermuxError({
    code: 'policy_cost_unknown',
    message: `Gateway key "${keyName}" has a budget, and no price is known for "${model}" (no configured price, catalogue entry or shipped rate), so its cost could not be counted. Set prices.models for it, or server.admission.unknownCost to "allow" or "estimate".`,
    details: { key: keyName, model },
  });
}

export async function runTask<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<RunResult<T>> {
  const reserving = begin(context, services, call);
  if (reserving) await reserving;
  const { client, coalescer } = services.engine;
  const request = coreRequest(context, call);
  try {
    const result = await context.upstream(() =>
      coalescer?.coalesces(call.task, request) ? coalescer.run(call.task, request) : client.run(call.task, request),
    );
    noteResult(context, result as RunResult);
    return result;
  } catch (error) {
    throw noteFailure(context, error);
  }
}

/**
 * Starts a stream and waits for its first part before anything is written, so a failure
 * before the first byte is still a normal HTTP error with a real status.
 */
async function openTaskStream<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<{ first: StreamPart | undefined; rest: AsyncIterator<StreamPart>; result: Promise<RunResult<T>> }> {
  const reserving = begin(context, services, call);
  if (reserving) await reserving;
  const stream = services.engine.client.stream(call.task, coreRequest(context, call));
  const iterator = stream[Symbol.asyncIterator]();
  try {
    const first = await context.upstream(() => iterator.next());
    return { first: first.done ? undefined : first.value, rest: iterator, result: stream.result };
  } catch (error) {
    throw noteFailure(context, error);
  }
}

/** The whole streamed answer: open (errors before the first byte keep a real status), write with `framing`, book the result. */
export async function relayStream<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
  framing: StreamFraming,
): Promise<void> {
  const opened = await openTaskStream(context, services, call);
  context.clearDeadline();
  settleBeforeEnd(context, opened.result);
  await pipeStream(context, opened.first, opened.rest, framing);
  await settleStream(context, opened.result);
}

/**
 * The caller speaks the upstream's wire format: core routes the stream as usual (retries, failover
 * before the first content, limits, prices) and the upstream's frames are relayed as they came
 * instead of being decoded to stream parts and encoded again.
 */
export async function relayForwardedStream<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<void> {
  const reserving = begin(context, services, call);
  if (reserving) await reserving;
  let forwarded: ForwardResponse<T>;
  // Booked as upstream time as `context.upstream` would, without its closure and async layer.
  const start = performance.now();
  try {
    forwarded = await services.engine.client.forward(call.task, forwardRequest(context, call, true));
  } catch (error) {
    throw noteFailure(context, error);
  } finally {
    context.upstreamMs += performance.now() - start;
  }
  context.provider = forwarded.provider;
  context.model = modelLabel(forwarded.model);
  // Only an event stream is relayed as it came: any other body (an upstream echoing our request, an error
  // page) could carry what the caller must not see, so it becomes a mapped error and is never read.
  if (mediaType(forwarded.contentType) !== 'text/event-stream') {
    await (forwarded.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]?.().return?.();
    forwarded.result.catch(() => undefined);
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `${forwarded.provider} answered a streamed request with ${mediaType(forwarded.contentType) || 'no content type'} instead of an event stream.`,
      provider: forwarded.provider,
    });
  }
  context.clearDeadline();
  settleBeforeEnd(context, forwarded.result);
  await pipeBytes(context, forwarded.body as AsyncIterable<Uint8Array>);
  await settleStream(context, forwarded.result);
}

/** What core forwards: the call in the OpenAI wire format, on the request's id, signal and upstream deadline. */
function forwardRequest<T extends TaskId>(context: RequestContext, call: TaskCall<T>, stream: boolean) {
  return {
    model: call.model,
    input: call.input,
    requestId: context.id,
    signal: context.abort.signal,
    headers: call.headers,
    wire: 'openai' as const,
    stream,
    credentials: context.credentials,
  };
}

/**
 * A whole answer in the upstream's own wire format: core routes it as usual and hands back the
 * upstream's checked bytes with their usage read, which are sent as the response (200, JSON) instead of
 * mapping the answer to the task output and serialising it again.
 */
export async function answerForwarded<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<void> {
  const reserving = begin(context, services, call);
  if (reserving) await reserving;
  // Booked as upstream time as `context.upstream` would, without its closure and async layer.
  const start = performance.now();
  let forwarded: ForwardResponse<T>;
  try {
    forwarded = await services.engine.client.forward(call.task, forwardRequest(context, call, false));
  } catch (error) {
    throw noteFailure(context, error);
  } finally {
    context.upstreamMs += performance.now() - start;
  }
  try {
    noteResult(context, await forwarded.result);
  } catch (error) {
    throw noteFailure(context, error);
  }
  sendBody(context, 200, forwarded.body as Uint8Array, 'application/json');
}

/** With a `before-response` ledger, a stream's row needs its usage: book the result before the row is committed. */
function settleBeforeEnd(context: RequestContext, result: Promise<Omit<RunResult, 'output'>>): void {
  const commit = context.beforeEnd;
  if (commit)
    context.beforeEnd = async () => {
      await settleStream(context, result);
      await commit();
    };
}

/** Books a stream's final result, or what its failure says. */
export async function settleStream(context: RequestContext, result: Promise<Omit<RunResult, 'output'>>): Promise<void> {
  try {
    noteResult(context, await result);
  } catch (error) {
    context.error = noteFailure(context, error);
  }
}

/**
 * A gateway job id carries what core needs to find the job again, so it survives restarts (and, for the
 * EvoLink wire's `created`, when it was submitted).
 */
export function encodeJobId(task: TaskId, provider: string, jobId: string, createdAt?: number): string {
  const fields = createdAt === undefined ? [task, provider, jobId] : [task, provider, jobId, createdAt];
  return `job_${Buffer.from(JSON.stringify(fields)).toString('base64url')}`;
}

const jobIdPattern = /^(?!\.{1,2}$)[A-Za-z0-9._:-]{1,256}$/;

export function decodeJobId(id: string): { task: TaskId; provider: string; jobId: string; createdAt?: number } {
  try {
    if (id.startsWith('job_')) {
      const [task, provider, jobId, createdAt] = JSON.parse(Buffer.from(id.slice(4), 'base64url').toString('utf8')) as [
        TaskId,
        string,
        string,
        unknown,
      ];
      // The id is caller input: the job id goes into an upstream URL, so it must be an identifier.
      if (isTaskId(task) && typeof provider === 'string' && typeof jobId === 'string' && jobIdPattern.test(jobId))
        return { task, provider, jobId, ...(Number.isInteger(createdAt) ? { createdAt: createdAt as number } : {}) };
    }
  } catch {
    // fall through to the 404 below
  }
  throw new InfermuxError({
    code: 'gateway_not_found',
    message: `No job with id "${id}" (gateway job ids start with "job_").`,
    details: { field: 'id' },
  });
}

/**
 * Starts an async job. Unless the caller waits for it in the same request (`held: false`), the job's quote
 * stays reserved against the key's budget after the response, until a status shows the job settled
 * (see `JobHolds`); the quote is also the submission's cost in the ledger.
 */
export async function submitTaskJob<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
  held = true,
): Promise<JobStatus<T> & { provider: string }> {
  const jobs = services.admission.jobs;
  const budgeted = held && context.key !== undefined && services.admission.budgetOf(context.key) !== undefined;
  // Until a model's first quote is in, its budgeted submissions go one at a time (see `JobHolds`).
  const endTurn = budgeted && jobs.quoteFor(call.model) === undefined ? await jobs.learnQuote(call.model) : undefined;
  try {
    await begin(context, services, call, budgeted ? jobs.quoteFor(call.model) : undefined);
    const status = await submitJob(context, services, call);
    if (held) {
      if (status.cost !== undefined) context.cost = status.cost;
      // An unpriced quote is recorded as 0 (the estimate alone then): the model's submissions need not queue for one.
      jobs.recordQuote(call.model, status.cost?.amount ?? 0);
      context.heldJob = encodeJobId(call.task, status.provider, status.jobId);
    }
    return status;
  } finally {
    endTurn?.();
  }
}

async function submitJob<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<JobStatus<T> & { provider: string }> {
  try {
    const status = await context.upstream(() =>
      services.engine.client.submit(call.task, {
        model: call.model,
        input: call.input,
        requestId: context.id,
        signal: context.abort.signal,
        credentials: context.credentials,
      }),
    );
    context.provider = status.provider;
    context.attempts = 1;
    context.model = status.model ? modelLabel(status.model) : call.model;
    return status;
  } catch (error) {
    throw noteFailure(context, error);
  }
}

export async function jobStatus<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  job: { task: T; provider: string; jobId: string },
  cancel = false,
): Promise<JobStatus<T>> {
  context.task = job.task;
  context.provider = job.provider;
  try {
    const call = cancel ? services.engine.client.cancelJob : services.engine.client.getJob;
    const status = await context.upstream(() =>
      call(job.task, {
        provider: job.provider,
        jobId: job.jobId,
        signal: context.abort.signal,
        credentials: context.credentials,
      }),
    );
    context.attempts = 1;
    if (status.usage) context.usage = status.usage;
    if (status.model) context.model = modelLabel(status.model);
    await services.admission.jobs.observe(encodeJobId(job.task, job.provider, job.jobId), status);
    return status;
  } catch (error) {
    throw noteFailure(context, error);
  }
}

/**
 * For wire formats that answer synchronously (OpenAI images): run the task directly when
 * the provider can, otherwise submit it and wait for the job (core's poller) within the request's deadline.
 */
export async function runOrAwaitJob<T extends TaskId>(
  context: RequestContext,
  services: GatewayServices,
  call: TaskCall<T>,
): Promise<{ output: RunResult<T>['output'] }> {
  try {
    return await runTask(context, services, call);
  } catch (error) {
    if (!isUnsupportedOperation(error, 'run')) throw error;
  }
  // The request's own reservation covers the job: it is awaited here and settled when the request ends.
  const submitted = await submitTaskJob(context, services, call, false);
  try {
    const done = await context.upstream(() =>
      waitForJob(services.engine.client, call.task, submitted, {
        intervalMs: 1000,
        maxIntervalMs: 5000,
        backoff: 1.5,
        deadlineMs: Math.max(1000, services.settings.timeouts.requestMs - context.elapsedMs()),
        signal: context.abort.signal,
      }),
    );
    if (done.usage) context.usage = done.usage;
    if (done.output === undefined)
      throw new InfermuxError({
        code: 'provider_bad_response',
        message: `The ${call.task} job ${done.jobId} succeeded without an output.`,
        provider: submitted.provider,
      });
    return { output: done.output };
  } catch (error) {
    throw noteFailure(context, error);
  }
}
