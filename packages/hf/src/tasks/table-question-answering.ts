import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { expectJson, firstIfList, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const answer = z.looseObject({
  answer: z.string(),
  coordinates: z.array(z.array(z.number())),
  cells: z.array(z.string()),
  aggregator: z.string().optional(),
});

/** wire/hf §5.6: one object, or a list of them (the first is kept). */
const upstream = z.union([answer, z.array(answer).min(1)]);

export const tableQuestionAnswering: HfTaskMapping<'table-question-answering'> = {
  capabilities: {},
  // The question goes under both names (wire/hf §5.6). The spec and huggingface.js say `question`, but
  // hf-inference runs the transformers pipeline, which reads `query` (transformers PR #34786 to accept the
  // spec name is unmerged); huggingface_hub switched to `{query, table}` in `inputs` (PR #3154, June 2025)
  // after 400s, and that form is reported working on hf-inference (huggingface.js issue #1525). The
  // pipeline reads its keys by name, so the extra one is ignored. A server built from the spec that refuses
  // unknown keys (400/422) gets the spec's `{question, table}` once more.
  request: (input, context) => ({
    url: taskUrl(context),
    body: inputsBody(
      { question: input.inputs.question, query: input.inputs.question, table: input.inputs.table },
      input.parameters,
    ),
    fallback: inputsBody({ question: input.inputs.question, table: input.inputs.table }, input.parameters),
  }),
  response(body, context) {
    const parsed = parseUpstream(
      upstream,
      expectJson(body, context),
      context,
      '{answer, coordinates, cells, aggregator?}',
    );
    return { output: firstIfList(parsed) as z.output<typeof answer> };
  },
};
