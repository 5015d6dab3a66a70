import type { ProviderRunResult } from '../provider/provider';
import type { RunResult } from '../result/result-envelope';
import { cacheKey } from '../routing/cache-key';
import { isPinnedRoute } from '../routing/route';
import { getTask, type TaskId } from '../tasks/task-registry';
import type { CallServices } from './call-services';
import type { RequestOptions } from './client-types';
import { type AttemptStep, prepareInput, RoutedCall, validateOutput } from './routed-call';

type RunCall<T extends TaskId> = RoutedCall<T, RequestOptions<T>, ProviderRunResult<T>>;

/** `run`'s attempt: `doRun`, its output validated within the attempt so a bad answer fails over. */
const runStep: AttemptStep<TaskId, RequestOptions<TaskId>, ProviderRunResult> = {
  operation: 'run',
  lacks: (provider) => (provider.doRun ? undefined : 'run'),
  call: (provider, options) => provider.doRun?.(options) as Promise<ProviderRunResult>,
  accept(answer, provider, call) {
    const output = validateOutput(call.task, answer.output, provider.name);
    return output === answer.output ? answer : { ...answer, output };
  },
};

/**
 * `client.run`: one routed call, its result from the cache when the task is deterministic. A batch
 * runs an item on its own here too (`batchRoute`: its route's name), its input already prepared.
 */
export async function runRoute<T extends TaskId>(
  services: CallServices,
  task: T,
  request: RequestOptions<T>,
  batchRoute?: string,
): Promise<RunResult<T>> {
  const step = runStep as AttemptStep<T, RequestOptions<T>, ProviderRunResult<T>>;
  const call = new RoutedCall(services, task, request, step, batchRoute === undefined ? 'run' : 'batch');
  try {
    if (batchRoute === undefined) {
      call.check();
      // Awaited only when binary fields are resolved: no microtask turn for a chat input.
      const input = prepareInput(services, task, request.input, request.signal);
      call.input = input instanceof Promise ? await input : input;
    } else {
      call.label = batchRoute;
      call.input = request.input;
    }
    const result = await call.overRoute(runOverRoute);
    call.end({ result });
    return result;
  } catch (error) {
    call.end({ error });
    throw error;
  }
}

/** The cache, else the route's attempts; a fresh result is cached for the route's TTL. */
async function runOverRoute<T extends TaskId>(call: RunCall<T>): Promise<RunResult<T>> {
  const { services, task, route, request, startedAt } = call;
  const definition = getTask(task);
  const { cachePolicy, cache } = services;
  const cacheable =
    cachePolicy.enabled &&
    definition.deterministic === true &&
    request.cache !== false &&
    request.credentials === undefined;
  const key = cacheable ? await cacheKey({ task, model: route.name, input: call.input }) : undefined;
  if (key) {
    const hit = await cache.get(key);
    services.events.emit({
      type: hit ? 'cache-hit' : 'cache-miss',
      requestId: call.requestId,
      task,
      route: route.name,
    });
    if (hit) {
      const copy = structuredClone(hit) as RunResult<T>;
      return {
        ...copy,
        cached: true,
        attempts: [],
        // A cache hit spends nothing upstream.
        ...(copy.cost ? { cost: { ...copy.cost, amount: 0 } } : {}),
        timing: { startedAt, durationMs: Date.now() - startedAt },
      };
    }
  }

  call.hedge = route.hedge?.enabled === true && definition.deterministic === true;
  const won = await call.execute();
  const { answer } = won.value;
  const result = call.envelope(won, call.servedModel(won), answer.usage ?? {}, answer.output);
  result.timing.firstByteMs ??= call.attempts.findLast((attempt) => attempt.errorCode === undefined)?.durationMs;
  await call.chargeTokens(won.target.provider, result.usage);
  if (key)
    await cache.set(key, structuredClone(result), isPinnedRoute(route) ? cachePolicy.ttlMs : cachePolicy.floatingTtlMs);
  return result;
}
