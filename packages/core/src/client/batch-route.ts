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

  await mapWithConcurrency(chunk(prepared, batchSize), concurrency, async (items) => {
    const call = batchCall(services, task, route, request, items);
    try {
      const sent = await sendChunk(call, items);
      call.end({ provider: sent.provider, model: sent.model, usage: sent.usage, cost: sent.cost });
      for (const item of sent.results) results[item.index] = item;
    } catch (error) {
      call.end({ error });
      const failure = InfermuxError.from(error, { code: 'gateway_internal' });
      // One bad input fails the whole upstream call: run the chunk's items one by one to find it.
      if (classifyFailure(failure) === 'fatal' && failure.code !== 'caller_aborted' && items.length > 1) {
        await mapWithConcurrency(items, 1, runSingle);
      } else {
        for (const item of items) results[item.index] = { index: item.index, error: failure };
      }
    }
  });
  return results;
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
      // The chunk's usage, so each item's cost and `cost_unknown` warning agree with the chunk's (amounts set below).
      return { index: item.index, result: call.envelope(won, model, usage, output) };
    } catch (error) {
      return { index: item.index, error: InfermuxError.from(error, { code: 'provider_bad_response' }) };
    }
  });
  // The call's usage and cost ride on its first successful item, so sums over items stay right.
  const carrier = results.find((item): item is { index: number; result: RunResult<T> } => 'result' in item);
  for (const item of results) {
    if (!('result' in item)) continue;
    const carries = item === carrier;
    item.result.usage = carries ? usage : {};
    item.result.cost = cost && !carries ? { ...cost, amount: 0 } : cost;
    if (items.length > 1) {
      item.result.warnings.push({
        code: 'batch_usage_shared',
        message: `Usage and cost of the ${items.length}-input upstream call are reported on input #${carrier?.index}`,
      });
    }
  }
  return { results, usage, cost, provider: target.provider, model };
}
