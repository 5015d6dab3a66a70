import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { base64Of, expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

/** Only `answer` is always there: generative models (donut) answer `[{"answer":"us-001"}]` (wire/hf §5.27). */
const answer = z.looseObject({
  answer: z.string(),
  score: z.number().optional(),
  start: z.number().optional(),
  end: z.number().optional(),
});

/** wire/hf §5.27: `[{answer, score?, start?, end?}]` (`start`/`end` are word indices); a bare object is wrapped. */
const upstream = z.union([z.array(answer), answer]);

export const documentQuestionAnswering: HfTaskMapping<'document-question-answering'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: inputsBody({ image: await base64Of(input.inputs.image), question: input.inputs.question }, input.parameters),
  }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[{answer, score?, start?, end?}]');
    return { output: Array.isArray(parsed) ? parsed : [parsed] };
  },
};
