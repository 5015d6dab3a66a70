import { InfermuxError } from '../errors/infermux-error';
import type { ProviderBatchResult } from '../provider/provider';
import type { RunResult } from '../result/result-envelope';
import { chunk, mapWithConcurrency } from '../routing/map-with-concurrency';
import { classifyFailure } from '../routing/retry-policy';
import type { Route } from '../routing/route';
import { getTask, type TaskId, type TaskInput } from '../tasks/task-registry';
import { type CallServices, revisionPolicyOf } from './call-services';
import type { BatchItemResult, BatchOptions, RequestOptions } from './client-types';
import { prepareInput, RoutedCall, validateOutput } from './routed-call';
import { runRoute } from './run-route';
import { splitBatchUsage, textWeight } from './split-batch-usage';

const DEFAULT_BATCH_CONCURRENCY = 4;

type BatchItem<T extends TaskId> = { index: number; input: TaskInput<T> };

/** `client.batch`: inputs in upstream batches where every target takes them, else one routed call each. */
export async function batchRoute<T extends TaskId>(
  services: CallServices,
  task: T,
  batchOptions: BatchOptions<T>,
): Promise<Array<BatchItemResult<T>>> {
  const definition = getTask(task);
  if (definition.async || !Array.isArray(batchOptions?.inputs)) {
    throw new InfermuxError({
      code: definition.async ? 'caller_unsupported' : 'caller_invalid_input',
      message: definition.async
        ? `Task "${task}" runs as async jobs; use submit() per input`
        : 'inputs: expected an array of task inputs',
      details: { field: 'inputs', task },
    });
  }
  const { inputs, concurrency = DEFAULT_BATCH_CONCURRENCY, ...request } = batchOptions;
  const route = services.resolveRoute(task, request, revisionPolicyOf(services, request));
  const results = new Array<BatchItemResult<T>>(inputs.length);
  const prepared: Array<BatchItem<T>> = [];
  for (const [index, raw] of inputs.entries()) {
    try {
      prepared.push({ index, input: await prepareInput(services, task, raw, request.signal) });
    } catch (error) {
      results[index] = { index, error: InfermuxError.from(error, { code: 'caller_invalid_input' }) };
    }
  }

  const batchSize = Math.min(
    ...route.targets.map((target) => {
      const provider = services.registry.get(target.provider);
      const max = provider.tasks[task]?.maxBatchSize ?? 1;
      return provider.doBatch && max > 1 ? max : 1;
    }),
  );

  const runSingle = async (item: BatchItem<T>) => {
    try {
      const result = await runRoute(services, task, { ...request, input: item.input }, route.name);
      results[item.index] = { index: item.index, result };
    } catch (error) {
      results[item.index] = { index: item.index, error: InfermuxError.from(error, { code: 'gateway_internal' }) };
    }
  };

  if (batchSize <= 1) {
    await mapWithConcurrency(prepared, concurrency, runSingle);
    return results;
  }

  /**
   * One upstream call for `items`. The router retries a retryable failure as a whole, within the route's
   * budget; a failure that may concern one item (a 400/413/422 refusal) is split in two, and each half
   * sent again, until the bad items stand alone: the good ones succeed, each bad one gets its own error.
   */
  const runChunk = async (items: Array<BatchItem<T>>): Promise<void> => {
    if (items.length === 1) return runSingle(items[0] as BatchItem<T>);
    const call = batchCall(services, task, route, request, items);
    try {
      const sent = await sendChunk(call, items);
      call.end({ provider: sent.provider, model: sent.model, usage: sent.usage, cost: sent.cost });
      for (const item of sent.results) results[item.index] = item;
    } catch (error) {
      call.end({ error });
      const failure = InfermuxError.from(error, { code: 'gateway_internal' });
      if (!mayConcernOneItem(failure)) {
        for (const item of items) results[item.index] = { index: item.index, error: failure };
        return;
      }
      const half = Math.ceil(items.length / 2);
      await runChunk(items.slice(0, half));
      await runChunk(items.slice(half));
    }
  };

  // Never one call for items with different options or parameters: each group is chunked on its own.
  const chunks = [...groupByOptions(prepared).values()].flatMap((group) => chunk(group, batchSize));
  await mapWithConcurrency(chunks, concurrency, runChunk);
  return results;
}

/** A refusal the upstream may have made for one input (a 400/413/422), not for the call as a whole. */
function mayConcernOneItem(error: InfermuxError): boolean {
  return (
    classifyFailure(error) === 'fatal' &&
    (error.code === 'caller_request_rejected' ||
      error.code === 'caller_invalid_input' ||
      error.code === 'caller_context_length_exceeded' ||
      error.code === 'caller_payload_too_large')
  );
}

/**
 * Everything in an input but its text (`inputs`): options and parameters. Items of one upstream batch
 * share it, so a batch never mixes parameters.
 */
export function batchOptionsKey(input: unknown): string {
  if (input === null || typeof input !== 'object') return '';
  const { inputs: _text, ...options } = input as { inputs?: unknown };
  return JSON.stringify(options);
}

/** Items keyed by everything in their input but the text (`inputs`): options and parameters. */
function groupByOptions<T extends TaskId>(items: Array<BatchItem<T>>): Map<string, Array<BatchItem<T>>> {
  const groups = new Map<string, Array<BatchItem<T>>>();
  for (const item of items) {
    const key = batchOptionsKey(item.input);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

type BatchCall<T extends TaskId> = RoutedCall<T, Omit<RequestOptions<T>, 'input'>, ProviderBatchResult<T>>;

/** One upstream batch call of `items` over `route` (already resolved for the whole batch). */
function batchCall<T extends TaskId>(
  services: CallServices,
  task: T,
  route: Route,
  request: Omit<RequestOptions<T>, 'input'>,
  items: Array<BatchItem<T>>,
): BatchCall<T> {
  const call: BatchCall<T> = new RoutedCall(
    services,
    task,
    request,
    {
      operation: 'batch',
      lacks: (provider) => (provider.doBatch ? undefined : 'run batches'),
      async call(provider, { input: _single, ...options }) {
        const answer = (await provider.doBatch?.({
          ...options,
          inputs: items.map((item) => item.input),
        })) as ProviderBatchResult<T>;
        if (!Array.isArray(answer.outputs) || answer.outputs.length !== items.length) {
          throw new InfermuxError({
            code: 'provider_bad_response',
            message: `${provider.name} answered a batch of ${items.length} inputs with ${Array.isArray(answer.outputs) ? answer.outputs.length : 'no'} outputs`,
            provider: provider.name,
          });
        }
        return answer;
      },
    },
    'batch',
  );
  call.label = route.name;
  call.route = route;
  return call;
}

/** Sends one chunk and maps the upstream's answer back to per-item results. */
async function sendChunk<T extends TaskId>(call: BatchCall<T>, items: Array<BatchItem<T>>) {
  const won = await call.execute();
  const { target, value } = won;
  const usage = value.answer.usage ?? {};
  const model = call.servedModel(won);
  await call.chargeTokens(target.provider, usage);
  const cost = call.costOf(target, model, usage);
  const results = items.map((item, position): BatchItemResult<T> => {
    try {
      const output = validateOutput(call.task, value.answer.outputs[position], target.provider);
      return { index: item.index, result: call.envelope(won, model, {}, output) };
    } catch (error) {
      return { index: item.index, error: InfermuxError.from(error, { code: 'provider_bad_response' }) };
    }
  });
  // Each item carries its share of the call's usage and cost, by its text's length (failed items weigh 0).
  const weights = results.map((item, position) => ('result' in item ? textWeight(items[position]?.input) : 0));
  const shares = splitBatchUsage(usage, cost, weights);
  const carrier = results.find((item): item is { index: number; result: RunResult<T> } => 'result' in item);
  results.forEach((item, position) => {
    if (!('result' in item)) return;
    const share = shares?.[position];
    if (share) {
      item.result.usage = share.usage;
      if (share.cost) item.result.cost = share.cost;
      return;
    }
    // No text to share by: the call's usage and cost ride on its first good item, so sums stay right.
    const carries = item === carrier;
    item.result.usage = carries ? usage : {};
    if (cost) item.result.cost = carries ? cost : { ...cost, amount: 0 };
    if (items.length > 1) {
      item.result.warnings.push({
        code: 'batch_usage_shared',
        message: `Usage and cost of the ${items.length}-input upstream call are reported on input #${carrier?.index}`,
      });
    }
  });
  return { results, usage, cost, provider: target.provider, model };
}
