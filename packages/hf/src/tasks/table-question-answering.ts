import { z } from 'zod';
import { expectJson, firstIfList, inputsBody, parseUpstream, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const answer = z.looseObject({
  answer: z.string(),
  coordinates: z.array(z.array(z.number())),
  cells: z.array(z.string()),
  aggregator: z.string().optional(),
});

/** Wire §5.6: one object, or a list of them (the first is kept). */
const upstream = z.union([answer, z.array(answer).min(1)]);

export const tableQuestionAnswering: HfTaskMapping<'table-question-answering'> = {
  capabilities: {},
  // `inputs.question` as the spec, hub-docs and huggingface.js name it; huggingface_hub still sends the
  // legacy `query` (wire §5.6 — which names the server accepts is unverified; the spec name is the safer bet).
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '{answer, coordinates, cells, aggregator?}');
    return { output: firstIfList(parsed) as z.output<typeof answer> };
  },
};
