import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { binaryInputBody, expectJson, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** wire/hf §5.16: `[{label, score, box: {xmin, ymin, xmax, ymax}}]`, pixels from the top-left corner. */
const upstream = z.array(
  z.looseObject({
    label: z.string(),
    score: z.number(),
    box: z.looseObject({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() }),
  }),
);

export const objectDetection: HfTaskMapping<'object-detection'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
  }),
  response: (body, context) => ({
    output: parseUpstream(upstream, expectJson(body, context), context, '[{label, score, box}]'),
  }),
};
