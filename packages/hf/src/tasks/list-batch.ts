import { InfermuxError, type TaskId, type TaskInput, type TaskOutput } from '@infermux/core';
import { unexpectedBody } from '@infermux/core/provider-utils';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfBatchMapping, HfBatchTargets, HfRequestBody, HfTaskMapping } from './task-mapping';

/** What one task needs to send its inputs as one list: where the list goes in the body. */
export interface ListBatchOptions<T extends TaskId> {
  /** Which servers are known to take the list (wire/hf §6). */
  targets: HfBatchTargets;
  /** Largest list sent in one call (the `batch.maxBatchSize` setting may lower it). */
  maxBatchSize: number;
  /** The body for `inputs` (all with the same parameters); default `{inputs: [text, …], parameters}`. */
  body?(inputs: ReadonlyArray<TaskInput<T>>): HfRequestBody;
}

type TextInput = { inputs: unknown; parameters?: object };

/**
 * The batch side of a task whose server runs a list of inputs through its transformers pipeline (the
 * dedicated-endpoint toolkit passes `inputs` to the pipeline unchanged, wire/hf §6): one call for the list,
 * and each item of the answer read by the task's own single-input mapping, so the two cannot drift apart.
 */
export function listBatch<T extends TaskId>(
  readItem: HfTaskMapping<T>['response'],
  options: ListBatchOptions<T>,
): HfBatchMapping<T> {
  return {
    targets: options.targets,
    maxBatchSize: options.maxBatchSize,
    request(inputs, context) {
      requireSameParameters(inputs as ReadonlyArray<TaskInput<T> & TextInput>);
      const body = options.body?.(inputs) ?? textListBody(inputs as ReadonlyArray<TaskInput<T> & TextInput>);
      return { url: taskUrl(context), body };
    },
    response(body, inputs, context) {
      const json = expectJson(body, context);
      if (!Array.isArray(json)) throw unexpectedBody(`expected a list of ${inputs.length} answers`, json, context);
      // transformers unwraps the answer to a one-item list (fill-mask, token-classification): it is that item's.
      const items = inputs.length === 1 && json.length !== 1 ? [json] : json;
      if (items.length !== inputs.length) {
        throw unexpectedBody(`expected ${inputs.length} answers (one per input), got ${items.length}`, json, context);
      }
      const outputs = items.map(
        (item): TaskOutput<T> =>
          // Each item in the single-input wire shape: a list as it is, an object as the one-item list it comes in.
          readItem({ kind: 'json', json: Array.isArray(item) ? item : [item] }, context).output,
      );
      return { outputs };
    },
  };
}

/** `{inputs: [text, …], parameters}`: one text per item. */
function textListBody(inputs: ReadonlyArray<TextInput>): HfRequestBody {
  const texts = inputs.map((input, index) => {
    if (typeof input.inputs === 'string') return input.inputs;
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `inputs[${index}].inputs: a batch sends one text per item; send a list of texts as one run instead`,
      details: { field: `inputs[${index}].inputs` },
    });
  });
  return inputsBody(texts, inputs[0]?.parameters);
}

/** One call carries one `parameters` for every item (core groups items so; a direct `doBatch` is checked here). */
export function requireSameParameters(inputs: ReadonlyArray<{ parameters?: object }>): void {
  if (inputs.length === 0) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'A batch needs at least one input',
      details: { field: 'inputs' },
    });
  }
  const shared = JSON.stringify(inputs[0]?.parameters ?? {});
  inputs.forEach((input, index) => {
    if (JSON.stringify(input.parameters ?? {}) !== shared) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `inputs[${index}].parameters: a batch is one upstream call, so every item needs the same parameters as inputs[0]`,
        details: { field: `inputs[${index}].parameters` },
      });
    }
  });
}
