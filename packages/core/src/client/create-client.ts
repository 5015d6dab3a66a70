import type { RunResult } from '../result/result-envelope';
import { MicroBatcher } from '../routing/micro-batcher';
import { withRetries } from '../routing/with-retries';
import { getTask, type TaskId } from '../tasks/task-registry';
import { createClientCore } from './client-core';
import type { Client, ClientOptions, RequestOptions } from './client-types';
import { canForward, forwardRoute } from './forward-route';
import { openStream } from './open-stream';
import { runBatch } from './run-batch';
import { runOnce } from './run-route';
import { submitJob } from './submit-job';

export type {
  BatchItemResult,
  BatchOptions,
  Client,
  ClientOptions,
  ForwardRequest,
  ForwardResponse,
  ForwardResult,
  RequestOptions,
  StreamResult,
  TargetHealth,
} from './client-types';

/**
 * The user-facing client: validation, binary inputs, and routing with retries, failover,
 * breakers, rate limits, hedging, cache, prices and events around the providers' `do*` methods.
 */
export function createClient(options: ClientOptions): Client {
  const core = createClientCore(options);

  const microBatcher = options.microBatch
    ? new MicroBatcher<{ task: TaskId; request: RequestOptions<TaskId> }, RunResult>({
        windowMs: options.microBatch.windowMs,
        maxBatchSize: options.microBatch.maxBatchSize ?? 32,
        run: async (_key, items) => {
          const first = items[0] as { task: TaskId; request: RequestOptions<TaskId> };
          const results = await runBatch(core, first.task, {
            ...first.request,
            inputs: items.map((item) => item.request.input),
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
      typeof request.model === 'string'
    );
  }

  return {
    providers: core.registry,

    run(task, request) {
      if (request && typeof request === 'object' && coalescible(task, request as RequestOptions<TaskId>)) {
        return microBatcher?.submit(`${task}\n${String(request.model)}`, {
          task,
          request: request as RequestOptions<TaskId>,
        }) as Promise<RunResult<typeof task>>;
      }
      return runOnce(core, task, request, 'run');
    },

    stream: (task, request) => openStream(core, task, request),

    batch: (task, options) => runBatch(core, task, options),

    submit: (task, request) => submitJob(core, task, request),

    forward: (task, request) => forwardRoute(core, task, request),

    canForward: (task, request) => canForward(core, task, request),

    async getJob(task, job) {
      const provider = core.registry.get(job.provider);
      if (!provider.doStatus) throw core.unsupported(provider, 'status', task, 'report job status');
      const status = await withRetries(
        () => provider.doStatus!({ task, jobId: job.jobId, signal: job.signal }),
        core.retryPolicy,
        { signal: job.signal, random: core.options.random },
      );
      if (status.state === 'succeeded' && status.output !== undefined)
        status.output = core.validateOutput(task, status.output, provider.name);
      return status;
    },

    async cancelJob(task, job) {
      const provider = core.registry.get(job.provider);
      if (!provider.doCancel) throw core.unsupported(provider, 'cancel', task, 'cancel jobs');
      return provider.doCancel({ task, jobId: job.jobId, signal: job.signal });
    },

    on(listener) {
      return core.events.on(listener);
    },

    health() {
      return { targets: core.router.health() };
    },
  };
}
