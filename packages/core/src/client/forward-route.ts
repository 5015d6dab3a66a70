import { InfermuxError } from '../errors/infermux-error';
import type { ProviderV1 } from '../provider/provider';
import type { ForwardChunk, ProviderForwardResult, WireFormat } from '../provider/wire-forward';
import type { ResolvedModel, Warning } from '../result/result-envelope';
import type { Route, RouteTarget } from '../routing/route';
import { type OpenedStream, readUntil } from '../routing/stream-failover';
import { getTask, type TaskId } from '../tasks/task-registry';
import { type CallContext, type ClientCore, routeLabel } from './client-core';
import type { ForwardRequest, ForwardResponse, ForwardResult } from './client-types';

function forwards(provider: ProviderV1, task: TaskId, wire: WireFormat): boolean {
  return provider.doForward !== undefined && provider.tasks[task]?.wire?.includes(wire) === true;
}

/** True when every target the request routes to can answer verbatim in `wire`. Never throws. */
export function canForward(
  core: ClientCore,
  task: TaskId,
  request: { model: ForwardRequest<TaskId>['model']; provider?: string; wire: WireFormat },
): boolean {
  try {
    return core
      .resolveRoute(task, request)
      .targets.every((target) => forwards(core.registry.get(target.provider), task, request.wire));
  } catch {
    return false;
  }
}

const isContent = (chunk: ForwardChunk): boolean => chunk.content;

type Opened = OpenedStream<ForwardChunk>;

/**
 * `client.forward`: the route machinery of `run`/`stream` (validation, strategy, retries,
 * failover, breakers, limits, prices, events) around `provider.doForward`, whose answer
 * is handed on as the upstream's bytes.
 */
export async function forwardRoute<T extends TaskId>(
  core: ClientCore,
  task: T,
  request: ForwardRequest<T>,
  fallbackDepth = 0,
  shared?: CallContext,
): Promise<ForwardResponse<T>> {
  const stream = request.stream === true;
  const context = shared ?? core.newContext(stream ? 'stream' : 'run', request?.requestId);
  const routeName = routeLabel(request);
  let value;
  let target: RouteTarget;
  let release: () => void;
  let route: Route | undefined;
  try {
    core.checkRequest(request);
    const input = await core.prepareInput(task, request.input, request.signal);
    route = core.resolveRoute(task, request);
    const revisionPolicy = request.revisionPolicy ?? core.options.revisionPolicy ?? 'warn';
    const executed = await core.router.execute({
      requestId: context.requestId,
      task,
      route,
      signal: request.signal,
      resendable: () => true,
      hedge: !stream && route.hedge?.enabled === true && getTask(task).deterministic === true,
      holdSignal: stream,
      attempts: context.attempts,
      run: async (attemptTarget, signal, deadline) => {
        const provider = core.registry.get(attemptTarget.provider);
        if (!forwards(provider, task, request.wire))
          throw core.unsupported(provider, 'forward', task, `answer in the ${request.wire} wire format`);
        const { resolved, resolveWarnings, model } = await core.resolveTargetModel(
          provider,
          task,
          attemptTarget,
          revisionPolicy,
          signal,
          deadline,
        );
        const forwarded = await provider.doForward!({
          task,
          model,
          input,
          signal,
          headers: request.headers,
          timeouts: core.timeoutsFor(attemptTarget, request, deadline),
          revisionPolicy,
          wire: request.wire,
          stream,
        });
        // A stream is committed at its first content: a failure before it fails over unseen.
        const opened =
          forwarded.body instanceof Uint8Array ? undefined : await readUntil(forwarded.body, provider.name, isContent);
        return { forwarded, resolved, resolveWarnings, opened };
      },
    });
    ({ value, target, release } = executed);
  } catch (error) {
    const fallback = route?.contextLengthFallback;
    if (
      fallback &&
      fallbackDepth === 0 &&
      InfermuxError.isInstance(error) &&
      error.code === 'caller_context_length_exceeded'
    )
      return forwardRoute(core, task, { ...request, model: fallback, provider: undefined }, fallbackDepth + 1, context);
    core.emitEnd(context, task, routeName, { error });
    throw error;
  }

  const { forwarded } = value;
  const model = forwarded.model ??
    value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
  const warnings: Warning[] = [...value.resolveWarnings, ...(forwarded.warnings ?? [])];
  const answer: Answer<T> = { core, task, routeName, context, target, forwarded, model, warnings };
  if (!value.opened)
    return {
      contentType: forwarded.contentType,
      provider: target.provider,
      model,
      body: forwarded.body as Uint8Array,
      result: settle(answer),
    };
  return relayStream(answer, value.opened, release);
}

/** What the answer's envelope is made of, once an attempt has won. */
interface Answer<T extends TaskId> {
  core: ClientCore;
  task: T;
  routeName: string;
  context: CallContext;
  target: RouteTarget;
  forwarded: ProviderForwardResult;
  model: ResolvedModel;
  warnings: Warning[];
}

/** The envelope, once the body has been delivered; no extra promise unless a tokens-per-minute limit must be charged. */
function settle<T extends TaskId>(answer: Answer<T>): Promise<ForwardResult<T>> {
  const { core, context, target, forwarded, model } = answer;
  const usage = forwarded.usage();
  const result: ForwardResult<T> = {
    task: answer.task,
    usage,
    cost: core.costOf(target, model, usage),
    warnings: answer.warnings,
    provider: target.provider,
    model,
    requestId: forwarded.requestId,
    timing: {
      startedAt: context.startedAt,
      durationMs: Date.now() - context.startedAt,
      firstByteMs: forwarded.firstByteMs,
    },
    attempts: context.attempts,
    cached: false,
  };
  const charged = core.consumeTokens(target.provider, usage);
  if (charged) {
    return charged.then(() => {
      core.emitEnd(context, answer.task, answer.routeName, { result });
      return result;
    });
  }
  core.emitEnd(context, answer.task, answer.routeName, { result });
  return Promise.resolve(result);
}

/** A stream whose start has arrived: its bytes as an iterator, its envelope once it has been read to the end. */
function relayStream<T extends TaskId>(answer: Answer<T>, opened: Opened, release: () => void): ForwardResponse<T> {
  const { core, task, routeName, context, target, forwarded, model } = answer;
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
      resolveResult(await settle(answer));
    } catch (caught) {
      settled = true;
      const error = InfermuxError.from(caught, { code: 'provider_stream_interrupted' });
      // Bytes already reached the caller: the target still answers for the broken stream.
      core.router.reportLateFailure(target, error, context.requestId);
      const usage = forwarded.usage();
      core.emitEnd(context, task, routeName, {
        error,
        provider: target.provider,
        model,
        usage,
        cost: core.costOf(target, model, usage),
      });
      rejectResult(error);
      throw error;
    } finally {
      if (!settled) {
        const error = new InfermuxError({
          code: 'caller_aborted',
          message: 'The forwarded stream was not read to the end; the upstream request was cancelled',
        });
        await opened.rest.return?.();
        core.emitEnd(context, task, routeName, { error, provider: target.provider, model, usage: forwarded.usage() });
        rejectResult(error);
      }
      release();
    }
  }
  return { contentType: forwarded.contentType, provider: target.provider, model, body: bytes(), result };
}
