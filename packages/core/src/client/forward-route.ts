import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1, StreamPart } from '../provider/provider';
import type { ForwardCallOptions, ForwardChunk, ProviderForwardResult, WireFormat } from '../provider/wire-forward';
import type { ResolvedModel } from '../result/result-envelope';
import { addUsage, type Usage } from '../result/usage';
import { type OpenedStream, readUntil } from '../routing/stream-failover';
import { getTask, type TaskId } from '../tasks/task-registry';
import { type CallServices, revisionPolicyOf } from './call-services';
import type { ForwardRequest, ForwardResponse, ForwardResult } from './client-types';
import { doneFrame, OpenAiStreamSplice } from './openai-stream-splice';
import { type AttemptStep, prepareInput, RoutedCall, type Won } from './routed-call';
import {
  describeRecovery,
  type RecoveredWon,
  recoverStream,
  recoveryWarning,
  type StreamCall,
  unrecovered,
} from './stream-recovery';
import { streamFinished, streamStep } from './stream-route';

type Opened = OpenedStream<ForwardChunk>;
type ForwardCall<T extends TaskId> = RoutedCall<T, ForwardRequest<T>, ProviderForwardResult, Opened>;
type ForwardWon = Won<ProviderForwardResult, Opened>;

function forwards(provider: ProviderV1, task: TaskId, wire: WireFormat): boolean {
  return provider.doForward !== undefined && provider.tasks[task]?.wire?.includes(wire) === true;
}

/** True when every target the request routes to can answer verbatim in `wire`. Never throws. */
export function canForward(
  services: CallServices,
  task: TaskId,
  request: Pick<ForwardRequest<TaskId>, 'model' | 'provider' | 'revisionPolicy' | 'wire'>,
): boolean {
  try {
    return services
      .resolveRoute(task, request, revisionPolicyOf(services, request))
      .targets.every((target) => forwards(services.registry.get(target.provider), task, request.wire));
  } catch {
    return false;
  }
}

const isContent = (chunk: ForwardChunk): boolean => chunk.content;

/** `forward`'s attempt: `doForward` in the request's wire format; a stream is committed at its first content. */
const forwardStep: AttemptStep<TaskId, ForwardRequest<TaskId>, ProviderForwardResult, Opened> = {
  operation: 'forward',
  lacks: (provider, call) =>
    forwards(provider, call.task, call.request.wire) ? undefined : `answer in the ${call.request.wire} wire format`,
  // The options are this attempt's own (built per attempt by the pipeline): completed in place, not copied.
  call: (provider, options, call) => {
    const forward = options as ForwardCallOptions;
    forward.wire = call.request.wire;
    forward.stream = call.request.stream === true;
    return provider.doForward?.(forward) as Promise<ProviderForwardResult>;
  },
  // A whole answer opens nothing: no await.
  open: (forwarded, provider) =>
    forwarded.body instanceof Uint8Array ? undefined : readUntil(forwarded.body, provider.name, isContent),
};

/**
 * `client.forward`: the route machinery of `run`/`stream` (validation, strategy, retries,
 * failover, breakers, limits, prices, events) around `provider.doForward`, whose answer
 * is handed on as the upstream's bytes.
 */
export async function forwardRoute<T extends TaskId>(
  services: CallServices,
  task: T,
  request: ForwardRequest<T>,
): Promise<ForwardResponse<T>> {
  const stream = request?.stream === true;
  const call: ForwardCall<T> = new RoutedCall(
    services,
    task,
    request,
    forwardStep as AttemptStep<T, ForwardRequest<T>, ProviderForwardResult, Opened>,
    stream ? 'stream' : 'run',
  );
  call.holdSignal = stream;
  let won: ForwardWon;
  try {
    call.check();
    // Awaited only when binary fields are resolved: no microtask turn for a chat input.
    const input = prepareInput(services, task, request.input, request.signal);
    call.input = input instanceof Promise ? await input : input;
    won = await call.overRoute(executeForward);
  } catch (error) {
    call.end({ error });
    throw error;
  }
  const { target, value } = won;
  const model = call.servedModel(won);
  const { answer: forwarded, opened } = value;
  if (!opened)
    return {
      contentType: forwarded.contentType,
      provider: target.provider,
      model,
      body: forwarded.body as Uint8Array,
      result: settle(call, won, model),
    };
  return relayStream(call, won, model, opened);
}

/** The forward call as a `stream` call on the same route and input: recovery reads normalised parts. */
function asStreamCall<T extends TaskId>(call: ForwardCall<T>): StreamCall {
  const streamCall = new RoutedCall(call.services, call.task as TaskId, call.request, streamStep, 'stream');
  streamCall.input = call.input;
  streamCall.route = call.route;
  streamCall.holdSignal = true;
  return streamCall as StreamCall;
}

/**
 * The rescuing attempt's parts as frames of the original stream, then `[DONE]`; its envelope (both
 * attempts' usage, the rescuing target) once read to the end. A second break ends it (thrown).
 */
async function* relayRescued<T extends TaskId>(
  call: ForwardCall<T>,
  streamCall: StreamCall,
  won: ForwardWon,
  splice: OpenAiStreamSplice,
  rescued: RecoveredWon,
  brokenUsage: Usage,
  resolveResult: (result: ForwardResult<T>) => void,
): AsyncGenerator<Uint8Array> {
  const recovery = describeRecovery(call.attempts, won.target, rescued, splice.text.length);
  const opened = rescued.value.opened as OpenedStream;
  let usage = brokenUsage;
  let finished = false;
  let outcome: 'done' | 'broken' | undefined;
  try {
    const parts: AsyncIterator<StreamPart> = opened.rest;
    let buffered = 0;
    for (;;) {
      const next =
        buffered < opened.buffered.length
          ? { done: false, value: opened.buffered[buffered++] as StreamPart }
          : await parts.next();
      if (next.done) break;
      const part = next.value;
      if (part.type === 'error') throw part.error;
      if (part.type === 'usage') usage = addUsage(usage, part.usage);
      if (part.type === 'finish') finished = true;
      const frame = splice.frame(part, recovery, usage);
      if (frame) yield frame;
    }
    if (!finished) {
      throw new InfermuxError({
        code: 'provider_stream_interrupted',
        message: `${rescued.target.provider} ended the rescuing stream without a finish event: the answer is truncated`,
        provider: rescued.target.provider,
      });
    }
    yield doneFrame;
    outcome = 'done';
    rescued.settle();
    const envelope = call.envelope({ ...won, target: rescued.target }, streamCall.servedModel(rescued), usage);
    envelope.warnings.push(recoveryWarning(recovery));
    call.recovered = recovery;
    resolveResult(await call.settle(envelope));
  } catch (error) {
    outcome = 'broken';
    const typed = InfermuxError.from(error, { code: 'provider_stream_interrupted' });
    rescued.settle(typed);
    rescued.abort(streamFinished);
    throw typed;
  } finally {
    if (outcome === undefined) {
      // The consumer stopped reading: the rescuing attempt is cancelled and teaches nothing.
      rescued.settle(
        new InfermuxError({ code: 'caller_aborted', message: 'The forwarded stream was not read to the end' }),
      );
      rescued.abort(streamFinished);
    }
    rescued.release();
  }
}

function executeForward<T extends TaskId>(call: ForwardCall<T>): Promise<ForwardWon> {
  call.hedge = !call.holdSignal && call.route.hedge?.enabled === true && getTask(call.task).deterministic === true;
  return call.execute();
}

/** The envelope, once the body has been delivered; no extra promise unless a tokens-per-minute limit must be charged. */
function settle<T extends TaskId>(
  call: ForwardCall<T>,
  won: ForwardWon,
  model: ResolvedModel,
): Promise<ForwardResult<T>> {
  const result: ForwardResult<T> = call.envelope(won, model, won.value.answer.usage());
  return Promise.resolve(call.settle(result));
}

/** A stream whose start has arrived: its bytes as an iterator, its envelope once it has been read to the end. */
function relayStream<T extends TaskId>(
  call: ForwardCall<T>,
  won: ForwardWon,
  model: ResolvedModel,
  opened: Opened,
): ForwardResponse<T> {
  const forwarded = won.value.answer;
  let resolveResult!: (result: ForwardResult<T>) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<ForwardResult<T>>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  result.catch(() => undefined); // a consumer that only reads the body must not see an unhandled rejection
  // Recovery needs to know what was delivered, and to send its frames after whole events only.
  const splice =
    call.route.streamRecovery && call.task === 'chat-completion' && call.request.wire === 'openai'
      ? new OpenAiStreamSplice()
      : undefined;
  const body = relayBytes(call, won, model, opened, splice, resolveResult, rejectResult);
  return { contentType: forwarded.contentType, provider: won.target.provider, model, body, result };
}

/**
 * `relayStream`'s body. A generator function declared inside the per-stream function would be a new
 * closure per stream, and calling it gives that closure its own initial map, allocated in the old
 * generation and pointing back at the closure: once the stream is over that dead map kept the
 * stream's whole object graph alive through every young-generation GC until the next full one
 * (about 10 KB promoted per streamed request on the bench). Declared once here, it has one map.
 */
async function* relayBytes<T extends TaskId>(
  call: ForwardCall<T>,
  won: ForwardWon,
  model: ResolvedModel,
  opened: Opened,
  splice: OpenAiStreamSplice | undefined,
  resolveResult: (result: ForwardResult<T>) => void,
  rejectResult: (error: unknown) => void,
): AsyncGenerator<Uint8Array> {
  const { target } = won;
  const forwarded = won.value.answer;
  const config = call.route.streamRecovery;
  let settled = false;
  try {
    for (const chunk of opened.buffered) {
      const out = splice ? splice.pass(chunk.bytes) : chunk.bytes;
      if (out) yield out;
    }
    for (;;) {
      const next = await opened.rest.next();
      if (next.done) break;
      const out = splice ? splice.pass(next.value.bytes) : next.value.bytes;
      if (out) yield out;
    }
    const tail = splice?.flush();
    if (tail) yield tail;
    settled = true;
    won.settle();
    resolveResult(await settle(call, won, model));
  } catch (caught) {
    settled = true;
    let error = InfermuxError.from(caught, { code: 'provider_stream_interrupted' });
    // Bytes already reached the caller: the target still answers for the broken stream.
    won.settle(error);
    // As `canRecover` judges it for client.stream, on what the relay has read.
    if (config && splice && error.retryable && !splice.finished && !splice.unspliceable && !call.signal?.aborted) {
      won.abort(streamFinished);
      let rescued: RecoveredWon | undefined;
      const streamCall = asStreamCall(call);
      try {
        rescued = await recoverStream(streamCall, target, splice.text, config, call);
      } catch (failed) {
        error = unrecovered(error, failed);
      }
      if (rescued) {
        // Read to the end or broken again, the result is settled here; stopped early, in `finally`.
        settled = false;
        try {
          yield* relayRescued(call, streamCall, won, splice, rescued, forwarded.usage(), resolveResult);
          settled = true;
          return;
        } catch (broke) {
          settled = true;
          error = InfermuxError.from(broke, { code: 'provider_stream_interrupted' });
        }
      }
    }
    const usage = forwarded.usage();
    call.end({ error, provider: target.provider, model, usage, cost: call.costOf(target, model, usage) });
    rejectResult(error);
    throw error;
  } finally {
    if (!settled) {
      const error = new InfermuxError({
        code: 'caller_aborted',
        message: 'The forwarded stream was not read to the end; the upstream request was cancelled',
      });
      await opened.rest.return?.();
      won.settle(error);
      call.end({ error, provider: target.provider, model, usage: forwarded.usage() });
      rejectResult(error);
    }
    won.release();
  }
}
