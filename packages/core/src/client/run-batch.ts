import { InfermuxError } from '../errors/infermux-error';
import type { RunResult } from '../result/result-envelope';
import { chunk, mapWithConcurrency } from '../routing/batching';
import { classifyFailure } from '../routing/retry-policy';
import type { Route } from '../routing/route';
import { getTask, type TaskId, type TaskInput } from '../tasks/task-registry';
import type { CallContext, ClientCore } from './client-core';
import type { BatchItemResult, BatchOptions, RequestOptions } from './client-types';
import { runRoute } from './run-route';

const DEFAULT_BATCH_CONCURRENCY = 4;

export async function runBatch<T extends TaskId>(
  core: ClientCore,
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
  const route = core.resolveRoute(task, request);
  const results = new Array<BatchItemResult<T>>(inputs.length);
  const prepared: Array<{ index: number; input: TaskInput<T> }> = [];
  for (const [index, raw] of inputs.entries()) {
    try {
      prepared.push({ index, input: await core.prepareInput(task, raw, request.signal) });
    } catch (error) {
      results[index] = { index, error: InfermuxError.from(error, { code: 'caller_invalid_input' }) };
    }
  }

  const batchSize = Math.min(
    ...route.targets.map((target) => {
      const provider = core.registry.get(target.provider);
      const max = provider.tasks[task]?.maxBatchSize ?? 1;
      return provider.doBatch && max > 1 ? max : 1;
    }),
  );

  const runSingle = async (item: { index: number; input: TaskInput<T> }) => {
    const context = core.newContext('batch');
    try {
      const { result } = await runRoute(core, task, { ...request, input: item.input }, item.input, context);
      core.emitEnd(context, task, route.name, { result });
      results[item.index] = { index: item.index, result };
    } catch (error) {
      core.emitEnd(context, task, route.name, { error });
      results[item.index] = { index: item.index, error: InfermuxError.from(error, { code: 'gateway_internal' }) };
    }
  };

  if (batchSize <= 1) {
    await mapWithConcurrency(prepared, concurrency, runSingle);
    return results;
  }

  await mapWithConcurrency(chunk(prepared, batchSize), concurrency, async (items) => {
    const context = core.newContext('batch');
    try {
      const call = await runBatchChunk(core, task, route, request, items, context);
      core.emitEnd(context, task, route.name, {
        provider: call.provider,
        model: call.model,
        usage: call.usage,
        cost: call.cost,
      });
      for (const item of call.results) results[item.index] = item;
    } catch (error) {
      core.emitEnd(context, task, route.name, { error });
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

/** One upstream batch call through the router, mapped back to per-item results. */
async function runBatchChunk<T extends TaskId>(
  core: ClientCore,
  task: T,
  route: Route,
  request: Omit<RequestOptions<T>, 'input'>,
  items: Array<{ index: number; input: TaskInput<T> }>,
  context: CallContext,
) {
  const revisionPolicy = request.revisionPolicy ?? core.options.revisionPolicy ?? 'warn';
  const { value, target } = await core.router.execute({
    requestId: context.requestId,
    task,
    route,
    signal: request.signal,
    resendable: () => true,
    hedge: false,
    attempts: context.attempts,
    run: async (target, signal, deadline) => {
      const provider = core.registry.get(target.provider);
      const { resolved, resolveWarnings, model } = await core.resolveTargetModel(
        provider,
        task,
        target,
        revisionPolicy,
        signal,
        deadline,
      );
      const call = {
        task,
        model,
        signal,
        headers: request.headers,
        timeouts: core.timeoutsFor(target, request, deadline),
        revisionPolicy,
      };
      if (!provider.doBatch) throw core.unsupported(provider, 'batch', task, 'run batches');
      const batchResult = await provider.doBatch({ ...call, inputs: items.map((item) => item.input) });
      if (!Array.isArray(batchResult.outputs) || batchResult.outputs.length !== items.length) {
        throw new InfermuxError({
          code: 'provider_bad_response',
          message: `${provider.name} answered a batch of ${items.length} inputs with ${Array.isArray(batchResult.outputs) ? batchResult.outputs.length : 'no'} outputs`,
          provider: provider.name,
        });
      }
      return { batchResult, resolved, resolveWarnings };
    },
  });
  const usage = value.batchResult.usage ?? {};
  const model = value.batchResult.model ??
    value.resolved ?? { id: target.model.id, revision: target.model.revision, pinned: false };
  await core.consumeTokens(target.provider, usage);
  const cost = core.costOf(target, model, usage);
  const results = items.map((item, position): BatchItemResult<T> => {
    try {
      const output = core.validateOutput(task, value.batchResult.outputs[position], target.provider);
      const result: RunResult<T> = {
        task,
        output,
        usage: {},
        warnings: [...value.resolveWarnings, ...(value.batchResult.warnings ?? [])],
        provider: target.provider,
        model,
        requestId: value.batchResult.requestId,
        timing: { startedAt: context.startedAt, durationMs: Date.now() - context.startedAt },
        attempts: context.attempts,
        cached: false,
      };
      return { index: item.index, result };
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
    if (cost) item.result.cost = carries ? cost : { ...cost, amount: 0 };
    if (items.length > 1) {
      item.result.warnings.push({
        code: 'batch_usage_shared',
        message: `Usage and cost of the ${items.length}-input upstream call are reported on input #${carrier?.index}`,
      });
    }
  }
  return { results, usage, cost, provider: target.provider, model };
}
