import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const candidate = z.looseObject({ sequence: z.string(), score: z.number(), token: z.number(), token_str: z.string() });

/** wire/hf §5.4: `[{sequence, score, token, token_str}]`; a one-input batch wrapper `[[…]]` is unwrapped. */
const upstream = z.union([z.array(candidate), z.array(z.array(candidate)).length(1)]);

export const fillMask: HfTaskMapping<'fill-mask'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[{sequence, score, token, token_str}]');
    const first = parsed[0];
    return { output: Array.isArray(first) ? first : (parsed as Array<z.output<typeof candidate>>) };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: one candidate list per text (a one-text list is unwrapped).
  batch: listBatch((body, context) => fillMask.response(body, context), { targets: 'dedicated', maxBatchSize: 32 }),
};
