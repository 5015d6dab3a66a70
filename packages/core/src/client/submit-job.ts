import type { JobStatus } from '../provider/provider';
import type { RouteTarget } from '../routing/route';
import type { TaskId } from '../tasks/task-registry';
import { type ClientCore, routeLabel } from './client-core';
import type { RequestOptions } from './client-types';

/**
 * Starts an async job. Never resent (not to the same target, not to another) unless the provider
 * takes an idempotency key, or the failure proves the upstream never saw the request.
 */
export async function submitJob<T extends TaskId>(
  core: ClientCore,
  task: T,
  request: RequestOptions<T>,
): Promise<JobStatus<T> & { provider: string }> {
  const context = core.newContext('submit', request?.requestId);
  const routeName = routeLabel(request);
  try {
    core.checkRequest(request);
    const input = await core.prepareInput(task, request.input, request.signal);
    const route = core.resolveRoute(task, request);
    const revisionPolicy = request.revisionPolicy ?? core.options.revisionPolicy ?? 'warn';
    // One key for every try of this submission: an upstream that honours it runs the job once.
    const idempotencyKey = crypto.randomUUID();
    const idempotent = (target: RouteTarget) =>
      core.registry.get(target.provider).tasks[task]?.idempotentSubmit === true;
    const { value, target } = await core.router.execute({
      requestId: context.requestId,
      task,
      route,
      signal: request.signal,
      resendable: idempotent,
      hedge: false,
      attempts: context.attempts,
      run: async (target, signal, deadline) => {
        const provider = core.registry.get(target.provider);
        if (!provider.doStart) throw core.unsupported(provider, 'start', task, 'start async jobs');
        const headers = idempotent(target)
          ? { ...request.headers, 'idempotency-key': idempotencyKey }
          : request.headers;
        return provider.doStart({
          task,
          model: target.model,
          input,
          signal,
          headers,
          timeouts: core.timeoutsFor(target, request, deadline),
          revisionPolicy,
        });
      },
    });
    const status = { ...value, provider: target.provider };
    core.emitEnd(context, task, routeName, {
      provider: target.provider,
      model: value.model ?? { id: target.model.id, revision: target.model.revision },
      usage: value.usage,
    });
    return status;
  } catch (error) {
    core.emitEnd(context, task, routeName, { error });
    throw error;
  }
}
