import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** wire/hf §5.13: one cosine similarity per item of `sentences`, in order. */
const upstream = z.array(z.number());

export const sentenceSimilarity: HfTaskMapping<'sentence-similarity'> = {
  capabilities: {},
  // `…/pipeline/sentence-similarity` makes sentence-transformers models compare instead of embed (wire/hf §1.3).
  request: (input, context) => ({
    url: taskUrl(context, '/pipeline/sentence-similarity'),
    body: inputsBody(input.inputs, input.parameters),
  }),
  response(body, context) {
    return {
      output: parseUpstream(upstream, expectJson(body, context), context, 'a list of numbers (one per sentence)'),
    };
  },
};
