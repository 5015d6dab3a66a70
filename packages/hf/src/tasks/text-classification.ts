import { z } from 'zod';
import { expectJson, inputsBody, parseUpstream, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const labelScore = z.looseObject({ label: z.string(), score: z.number() });

/**
 * Wire §5.1. The router returns a list of lists today, `[[{label, score}, …]]` (one inner list per input);
 * the spec documents the inner list, which is also accepted.
 */
const upstream = z.union([z.array(z.array(labelScore)).min(1), z.array(labelScore)]);

export const textClassification: HfTaskMapping<'text-classification'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[[{label, score}]] or [{label, score}]');
    const first = parsed[0];
    return { output: Array.isArray(first) ? first : (parsed as Array<z.output<typeof labelScore>>) };
  },
};
