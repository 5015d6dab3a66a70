import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1 } from '../provider/provider';
import type { ForwardChunk, ProviderForwardResult, WireFormat } from '../provider/wire-forward';
import type { ResolvedModel } from '../result/result-envelope';
import { type OpenedStream, readUntil } from '../routing/stream-failover';
import { getTask, type TaskId } from '../tasks/task-registry';
import { type CallServices, revisionPolicyOf } from './call-services';
import type { ForwardRequest, ForwardResponse, ForwardResult } from './client-types';
import { type AttemptStep, prepareInput, RoutedCall, type Won } from './routed-call';

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
  call: (provider, options, call) =>
    provider.doForward?.({
      ...options,
      wire: call.request.wire,
      stream: call.request.stream === true,
    }) as Promise<ProviderForwardResult>,
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
    call.input = await prepareInput(services, task, request.input, request.signal);
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
  const { target } = won;
  const forwarded = won.value.answer;
  let resolveResult!: (result: ForwardResult<T>) => void;
  let rejectResult!: (error: unknown) => void;
  const result = new Promise<ForwardResult<T>>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  result.catch(() => undefined); // a consumer that only reads the body must not see an unhandled rejection
  async function* bytes(): AsyncGenerator<Uint8Array> {
    let settled = false;
    try {
      for (const chunk of opened.buffered) yield chunk.bytes;
      for (;;) {
        const next = await opened.rest.next();
        if (next.done) break;
        yield next.value.bytes;
      }
      settled = true;
      won.settle();
      resolveResult(await settle(call, won, model));
    } catch (caught) {
      settled = true;
      const error = InfermuxError.from(caught, { code: 'provider_stream_interrupted' });
      // Bytes already reached the caller: the target still answers for the broken stream.
      won.settle(error);
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
  return { contentType: forwarded.contentType, provider: target.provider, model, body: bytes(), result };
}
