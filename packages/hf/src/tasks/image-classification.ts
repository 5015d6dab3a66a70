import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { binaryInputBody, expectJson, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** wire/hf §5.14: `[{label, score}]`, best first. */
const upstream = z.array(z.looseObject({ label: z.string(), score: z.number() }));

export const imageClassification: HfTaskMapping<'image-classification'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
  }),
  response: (body, context) => ({
    output: parseUpstream(upstream, expectJson(body, context), context, '[{label, score}]'),
  }),
};
