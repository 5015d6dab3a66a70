import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { binaryInputBody, expectJson, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** wire/hf §5.17: `[{label, mask: <base64 PNG>, score}]`; `score` is missing or null for semantic segmentation. */
const upstream = z.array(
  z.looseObject({ label: z.string(), mask: z.string(), score: z.number().nullable().optional() }),
);

export const imageSegmentation: HfTaskMapping<'image-segmentation'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
  }),
  response: (body, context) => ({
    output: parseUpstream(upstream, expectJson(body, context), context, '[{label, mask, score}]'),
  }),
};
