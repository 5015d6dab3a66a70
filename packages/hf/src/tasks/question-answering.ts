import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, firstIfList, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const answer = z.looseObject({ answer: z.string(), score: z.number(), start: z.number(), end: z.number() });

/** wire/hf §5.5: one object when `top_k` is 1 (the usual answer today), or a list when `top_k` > 1: the best (first) is kept. */
const upstream = z.union([answer, z.array(answer).min(1)]);

export const questionAnswering: HfTaskMapping<'question-answering'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(
      upstream,
      expectJson(body, context),
      context,
      '{answer, score, start, end} or a list of them',
    );
    return { output: firstIfList(parsed) as z.output<typeof answer> };
  },
  // wire/hf §6: the toolkit takes `question` and `context` as lists (one answer per pair, in order).
  batch: listBatch((body, context) => questionAnswering.response(body, context), {
    targets: 'dedicated',
    maxBatchSize: 16,
    body: (inputs) =>
      inputsBody(
        {
          question: inputs.map((input) => input.inputs.question),
          context: inputs.map((input) => input.inputs.context),
        },
        inputs[0]?.parameters,
      ),
  }),
};
