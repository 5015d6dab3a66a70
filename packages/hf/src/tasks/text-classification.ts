import { vouchForOutput } from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { isLabelScoreList } from './label-scores';
import { listBatch } from './list-batch';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const labelScore = z.looseObject({ label: z.string(), score: z.number() });

/**
 * wire/hf §5.1. The router returns a list of lists today, `[[{label, score}, …]]` (one inner list per input);
 * the spec documents the inner list, which is also accepted.
 */
const upstream = z.union([z.array(z.array(labelScore)).min(1), z.array(labelScore)]);

/** The inner list when `json` has one of the two shapes `upstream` accepts, checked by hand; else undefined. */
function readLabelScores(json: unknown): z.output<typeof labelScore>[] | undefined {
  if (!Array.isArray(json)) return undefined;
  if (!Array.isArray(json[0])) return isLabelScoreList(json) ? json : undefined;
  for (const inner of json) if (!isLabelScoreList(inner)) return undefined;
  return json[0];
}

export const textClassification: HfTaskMapping<'text-classification'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const json = expectJson(body, context);
    // The everyday answer skips zod here and in core: the hand check accepts exactly what the task's
    // output schema does, on a body parsed for this call alone. Anything else gets the schema's error.
    const labels = readLabelScores(json);
    if (labels) return { output: vouchForOutput(labels) };
    const parsed = parseUpstream(upstream, json, context, '[[{label, score}]] or [{label, score}]');
    const first = parsed[0];
    return { output: Array.isArray(first) ? first : (parsed as Array<z.output<typeof labelScore>>) };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: one `{label, score}` per text without `top_k`, one list per text with it.
  batch: listBatch((body, context) => textClassification.response(body, context), {
    targets: 'dedicated',
    maxBatchSize: 32,
  }),
};
