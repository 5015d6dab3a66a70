import { taskRegistry } from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

// The wire item is the task's output item (core's schema), so the two cannot drift apart.
const entity = taskRegistry['token-classification'].output.element;

/** wire/hf §5.2: a flat list of entities (label in `entity_group`, or `entity` with aggregation `none`). A one-input batch wrapper `[[…]]` is unwrapped. */
const upstream = z.union([z.array(entity), z.array(z.array(entity)).length(1)]);

export const tokenClassification: HfTaskMapping<'token-classification'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(
      upstream,
      expectJson(body, context),
      context,
      '[{entity_group|entity, score, word, start, end}]',
    );
    const first = parsed[0];
    return { output: Array.isArray(first) ? first : (parsed as Array<z.output<typeof entity>>) };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: one entity list per text.
  batch: listBatch((body, context) => tokenClassification.response(body, context), {
    targets: 'dedicated',
    maxBatchSize: 32,
  }),
};
