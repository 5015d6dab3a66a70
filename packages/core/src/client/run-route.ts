import { InfermuxError } from '../errors/infermux-error';
import type { RunResult } from '../result/result-envelope';
import { cacheKey } from '../routing/cache-key';
import { isPinnedRoute } from '../routing/route';
import type { RequestKind } from '../routing/routing-events';
import { getTask, type TaskId, type TaskInput } from '../tasks/task-registry';
import { type CallContext, type ClientCore, routeLabel } from './client-core';
import type { RequestOptions } from './client-types';

/** One `run` over a route: cache, routing, output validation, cost; the context-length fallback. */
export async function runRoute<T extends TaskId>(
  core: ClientCore,
  task: T,
  request: RequestOptions<T>,
  input: TaskInput<T>,
  context: CallContext,
  fallbackDepth = 0,
): Promise<{ result: RunResult<T> }> {
  const route = core.resolveRoute(task, request);
  const definition = getTask(task);
  const revisionPolicy = request.revisionPolicy ?? core.options.revisionPolicy ?? 'warn';
  const cacheable = core.cachePolicy.enabled && definition.deterministic === true && request.cache !== false;
  const key = cacheable ? await cacheKey({ task, model: route.name, input }) : undefined;
  if (key) {
    const hit = await core.cache.get(key);
    core.events.emit({ type: hit ? 'cache-hit' : 'cache-miss', requestId: context.requestId, task, route: route.name });
    if (hit) {
      const copy = structuredClone(hit) as RunResult<T>;
      return {
        result: {
          ...copy,
          cached: true,
          attempts: [],
          // A cache hit spends nothing upstream.
          ...(copy.cost ? { cost: { ...copy.cost, amount: 0 } } : {}),
          timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt },
        },
      };
    }
  }

  const hedgeable = route.hedge?.enabled === true && definition.deterministic === true;
  let executed;
  try {
    executed = await core.router.execute({
      requestId: context.requestId,
      task,
      route,
      signal: request.signal,
      resendable: () => true,
      hedge: hedgeable,
      attempts: context.attempts,
      run: async (target, signal, deadline) => {
        const provider = core.registry.get(target.provider);
        if (!provider.doRun) throw core.unsupported(provider, 'run', task);
        const { resolved, resolveWarnings, model } = await core.resolveTargetModel(
          provider,
          task,
          target,
          revisionPolicy,
          signal,
          deadline,
        );
        const result = await provider.doRun({
          task,
          model,
          input,
          signal,
          headers: request.headers,
          timeouts: core.timeoutsFor(target, request, deadline),
          revisionPolicy,
        });
        return { result, resolved, resolveWarnings, output: core.validateOutput(task, result.output, provider.name) };
      },
    });
  } catch (error) {
    const fallback = route.contextLengthFallback;
    if (
      fallback &&
      fallbackDepth === 0 &&
      InfermuxError.isInstance(error) &&
      error.code === 'caller_context_length_exceeded'
    ) {
      return runRoute(
        core,
        task,
        { ...request, model: fallback, provider: undefined },
        input,
        context,
        fallbackDepth + 1,
      );
    }
    throw error;
  }

  const { value, target } = executed;
  const usage = value.result.usage ?? {};
  const model = value.result.model ??
    value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
  await core.consumeTokens(target.provider, usage);
  const winning = context.attempts.findLast((attempt) => attempt.errorCode === undefined);
  const result: RunResult<T> = {
    task,
    output: value.output,
    usage,
    cost: core.costOf(target, model, usage),
    warnings: [...value.resolveWarnings, ...(value.result.warnings ?? [])],
    provider: target.provider,
    model,
    requestId: value.result.requestId,
    timing: {
      startedAt: context.startedAt,
      durationMs: Date.now() - context.startedAt,
      firstByteMs: value.result.firstByteMs ?? winning?.durationMs,
    },
    attempts: context.attempts,
    cached: false,
  };
  if (key)
    await core.cache.set(
      key,
      structuredClone(result),
      isPinnedRoute(route) ? core.cachePolicy.ttlMs : core.cachePolicy.floatingTtlMs,
    );
  return { result };
}

export async function runOnce<T extends TaskId>(
  core: ClientCore,
  task: T,
  request: RequestOptions<T>,
  kind: RequestKind,
): Promise<RunResult<T>> {
  const context = core.newContext(kind, request?.requestId);
  const routeName = routeLabel(request);
  try {
    core.checkRequest(request);
    const input = await core.prepareInput(task, request.input, request.signal);
    const { result } = await runRoute(core, task, request, input, context);
    core.emitEnd(context, task, routeName, { result });
    return result;
  } catch (error) {
    core.emitEnd(context, task, routeName, { error });
    throw error;
  }
}
