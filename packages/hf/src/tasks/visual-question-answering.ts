import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { base64Of, expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const answer = z.looseObject({ answer: z.string(), score: z.number() });

/** wire/hf §5.26: `[{answer, score}]`; a bare object is wrapped. */
const upstream = z.union([z.array(answer), answer]);

export const visualQuestionAnswering: HfTaskMapping<'visual-question-answering'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: inputsBody({ image: await base64Of(input.inputs.image), question: input.inputs.question }, input.parameters),
  }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[{answer, score}]');
    return { output: Array.isArray(parsed) ? parsed : [parsed] };
  },
};
