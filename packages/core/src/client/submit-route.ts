import type { JobStatus } from '../provider/provider';
import type { RouteTarget } from '../routing/route';
import type { TaskId } from '../tasks/task-registry';
import type { CallServices } from './call-services';
import type { RequestOptions } from './client-types';
import { prepareInput, RoutedCall } from './routed-call';

/**
 * `client.submit`: starts an async job. Never resent (not to the same target, not to another) unless
 * the provider takes an idempotency key, or the failure proves the upstream never saw the request.
 */
export async function submitRoute<T extends TaskId>(
  services: CallServices,
  task: T,
  request: RequestOptions<T>,
): Promise<JobStatus<T> & { provider: string }> {
  // One key for every try of this submission: an upstream that honours it runs the job once.
  const idempotencyKey = crypto.randomUUID();
  const idempotent = (target: RouteTarget) =>
    services.registry.get(target.provider).tasks[task]?.idempotentSubmit === true;
  const call = new RoutedCall<T, RequestOptions<T>, JobStatus<T>>(
    services,
    task,
    request,
    {
      operation: 'start',
      lacks: (provider) => (provider.doStart ? undefined : 'start async jobs'),
      call: (provider, options, _call, target) =>
        provider.doStart?.(
          idempotent(target)
            ? { ...options, headers: { ...options.headers, 'idempotency-key': idempotencyKey } }
            : options,
        ) as Promise<JobStatus<T>>,
    },
    'submit',
  );
  call.resendable = idempotent;
  try {
    call.check();
    call.input = await prepareInput(services, task, request.input, request.signal);
    call.resolveRoute();
    const { value, target } = await call.execute();
    const model = value.answer.model ?? { id: target.model.id, revision: target.model.revision };
    // The submission's quote (credits held), priced like any call.
    const cost = call.costOf(target, model, value.answer.usage ?? {});
    const status = { ...value.answer, cost, provider: target.provider };
    call.end({ provider: target.provider, model, usage: value.answer.usage, cost });
    return status;
  } catch (error) {
    call.end({ error });
    throw error;
  }
}
