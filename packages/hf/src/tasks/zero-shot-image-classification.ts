import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { base64Of, expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** wire/hf §5.15: `[{label, score}]`. */
const upstream = z.array(z.looseObject({ label: z.string(), score: z.number() }));

export const zeroShotImageClassification: HfTaskMapping<'zero-shot-image-classification'> = {
  capabilities: {},
  // `candidate_labels` is required, so the body is always JSON. The spec form (`inputs` = base64 string,
  // `parameters.candidate_labels`) rather than huggingface.js's `{image: base64}` wrapper (wire/hf §5.15):
  // huggingface_hub PR #2665 (Nov 2024) fixed its client to exactly this form against the live API.
  request: async (input, context) => ({
    url: taskUrl(context),
    body: inputsBody(await base64Of(input.inputs), input.parameters),
  }),
  response: (body, context) => ({
    output: parseUpstream(upstream, expectJson(body, context), context, '[{label, score}]'),
  }),
};
