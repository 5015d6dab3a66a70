import type { JobStatus } from '../provider/provider';
import type { Cost, RunResult } from '../result/result-envelope';
import { MicroBatcher } from '../routing/micro-batcher';
import { withRetries } from '../routing/with-retries';
import { getTask, type TaskId } from '../tasks/task-registry';
import { batchOptionsKey, batchRoute } from './batch-route';
import { type CallServices, createCallServices } from './call-services';
import type { Client, ClientOptions, RequestOptions } from './client-types';
import { canForward, forwardRoute } from './forward-route';
import { unsupported, validateOutput } from './routed-call';
import { runRoute } from './run-route';
import { streamRoute } from './stream-route';
import { submitRoute } from './submit-route';

export type {
  BatchItemResult,
  BatchOptions,
  Client,
  ClientOptions,
  ForwardRequest,
  ForwardResponse,
  ForwardResult,
  JobReference,
  RequestOptions,
  StreamResult,
  TargetHealth,
} from './client-types';

/**
 * The user-facing client: validation, binary inputs, and routing with retries, failover,
 * breakers, rate limits, hedging, cache, prices and events around the providers' `do*` methods.
 */
export function createClient(options: ClientOptions): Client {
  const services = createCallServices(options);

  const microBatcher = options.microBatch
    ? new MicroBatcher<{ task: TaskId; request: RequestOptions<TaskId> }, RunResult>({
        windowMs: options.microBatch.windowMs,
        maxBatchSize: options.microBatch.maxBatchSize ?? 32,
        run: async (_key, items) => {
          const first = items[0] as { task: TaskId; request: RequestOptions<TaskId> };
          const results = await batchRoute(services, first.task, {
            ...first.request,
            inputs: items.map((item) => item.request.input),
            // As many in flight as there were runs: the provider's batch size splits them, not this.
            concurrency: items.length,
          });
          return results.map((item) => ('result' in item ? item.result : item.error));
        },
      })
    : undefined;

  /** Only plain calls are coalesced: a signal, headers or any override makes a request its own. */
  function coalescible(task: TaskId, request: RequestOptions<TaskId>): boolean {
    return (
      microBatcher !== undefined &&
      getTask(task).batchable === true &&
      !request.signal &&
      !request.headers &&
      !request.timeouts &&
      !request.provider &&
      request.cache === undefined &&
      request.revisionPolicy === undefined &&
      request.credentials === undefined &&
      typeof request.model === 'string'
    );
  }

  return {
    providers: services.registry,

    run(task, request) {
      if (request && typeof request === 'object' && coalescible(task, request as RequestOptions<TaskId>)) {
        return microBatcher?.submit(`${task}\n${String(request.model)}\n${batchOptionsKey(request.input)}`, {
          task,
          request: request as RequestOptions<TaskId>,
        }) as Promise<RunResult<typeof task>>;
      }
      return runRoute(services, task, request);
    },

    stream: (task, request) => streamRoute(services, task, request),

    batch: (task, options) => batchRoute(services, task, options),

    submit: (task, request) => submitRoute(services, task, request),

    forward: (task, request) => forwardRoute(services, task, request),

    canForward: (task, request) => canForward(services, task, request),

    async getJob(task, job) {
      const provider = services.registry.get(job.provider);
      const doStatus = provider.doStatus?.bind(provider);
      if (!doStatus) throw unsupported(provider, 'status', task, 'report job status');
      const status = await withRetries(
        () => doStatus({ task, jobId: job.jobId, signal: job.signal, apiKey: job.credentials?.[job.provider] }),
        services.retryPolicy,
        { signal: job.signal, random: services.defaults.random },
      );
      if (status.state === 'succeeded' && status.output !== undefined)
        status.output = validateOutput(task, status.output, provider.name);
      const cost = jobCost(services, job.provider, status);
      if (cost !== undefined) status.cost = cost;
      return status;
    },

    async cancelJob(task, job) {
      const provider = services.registry.get(job.provider);
      if (!provider.doCancel) throw unsupported(provider, 'cancel', task, 'cancel jobs');
      return provider.doCancel({
        task,
        jobId: job.jobId,
        signal: job.signal,
        apiKey: job.credentials?.[job.provider],
      });
    },

    on(listener, types) {
      return services.events.on(listener, types);
    },

    health() {
      return { targets: services.router.health() };
    },

    prices: services.prices,
  };
}

/**
 * A job's cost from its latest status, when the status says anything of it: a quote from the credits held,
 * the final charge when reported. A failed or cancelled job is unknown (null) unless the provider reports its
 * final charge: no provider documents refunds, so none is assumed. A status with no billing units (most
 * polls) carries no cost: the submission already did.
 */
function jobCost(services: CallServices, provider: string, status: JobStatus): Cost | null | undefined {
  const usage = status.usage ?? {};
  const ended = status.state === 'failed' || status.state === 'canceled';
  if (ended && usage.credits === undefined) return null;
  if (usage.credits === undefined && usage.creditsReserved === undefined) return undefined;
  return services.prices.costOf(provider, status.model ?? { id: '*' }, usage);
}
