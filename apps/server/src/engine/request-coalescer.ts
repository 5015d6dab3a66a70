import {
  batchOptionsKey,
  type Client,
  getTask,
  InfermuxError,
  MicroBatcher,
  type RequestOptions,
  type RunResult,
  type TaskId,
} from '@infermux/core';

/** What a coalesced request carries: one input, and what else makes two requests different. */
export type CoalescedRequest<T extends TaskId> = Pick<RequestOptions<T>, 'model' | 'input' | 'headers' | 'cache'> & {
  model: string;
  signal?: AbortSignal;
};

export interface RequestCoalescer {
  /** Whether `request` may wait for company (a batchable task, not served from the response cache). */
  coalesces(task: TaskId, request: { cache?: boolean; credentials?: unknown }): boolean;
  run<T extends TaskId>(task: T, request: CoalescedRequest<T>): Promise<RunResult<T>>;
}

type Item = { task: TaskId; request: CoalescedRequest<TaskId> };

/**
 * Gathers concurrent single-input requests that only differ in their text (same task, model reference with
 * revision, parameters, headers) for `windowMs`, and sends them as one `client.batch`: one upstream call
 * where the provider takes lists, each caller answered with exactly its own item (its own usage share, so
 * its own ledger row). A caller that gives up is answered at once; the batch goes on for the others.
 */
export function createRequestCoalescer(
  client: Client,
  settings: { windowMs: number; maxBatchSize: number; responseCache: boolean },
): RequestCoalescer {
  const batcher = new MicroBatcher<Item, RunResult>({
    windowMs: settings.windowMs,
    maxBatchSize: settings.maxBatchSize,
    async run(_key, items) {
      const { task, request } = items[0] as Item;
      const results = await client.batch(task, {
        model: request.model,
        headers: request.headers,
        cache: request.cache,
        inputs: items.map((item) => item.request.input),
        // Every item of a window in flight at once: the provider's batch size splits them, not this.
        concurrency: items.length,
      });
      return results.map((item) => ('result' in item ? item.result : item.error));
    },
  });

  return {
    coalesces(task, request) {
      // A caller's own token is its own call: never batched with others'.
      return (
        getTask(task).batchable === true &&
        request.credentials === undefined &&
        (!settings.responseCache || request.cache === false)
      );
    },

    run<T extends TaskId>(task: T, request: CoalescedRequest<T>): Promise<RunResult<T>> {
      const key = [task, request.model, batchOptionsKey(request.input), JSON.stringify(request.headers ?? {})].join(
        '\n',
      );
      const answer = batcher.submit(key, { task, request: request as CoalescedRequest<TaskId> }) as Promise<
        RunResult<T>
      >;
      const { signal } = request;
      if (!signal) return answer;
      return new Promise<RunResult<T>>((resolve, reject) => {
        const abort = () =>
          reject(new InfermuxError({ code: 'caller_aborted', message: 'The request was aborted while batched' }));
        if (signal.aborted) return abort();
        signal.addEventListener('abort', abort, { once: true });
        answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
      });
    },
  };
}
