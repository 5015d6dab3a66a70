import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const labelScore = z.looseObject({ label: z.string(), score: z.number() });
const legacy = z
  .looseObject({ sequence: z.string().optional(), labels: z.array(z.string()), scores: z.array(z.number()) })
  .refine((value) => value.labels.length === value.scores.length, {
    message: 'expected as many scores as labels',
    path: ['scores'],
  });

/**
 * wire/hf §5.3. The router returns `[{label, score}]` sorted by score today (huggingface_hub PR #3561 switched
 * to it in Nov 2025); the legacy transformers pipeline returned `{sequence, labels, scores}`, zipped here as
 * huggingface.js does. A one-item legacy list `[{sequence, labels, scores}]` is accepted too.
 */
const upstream = z.union([z.array(labelScore), legacy, z.array(legacy).length(1)]);

/**
 * A list of texts gets one answer per text, in input order: the pipeline's `[{sequence, labels, scores}, …]`
 * (huggingface.js typed `inputs: string | string[]` and took a list of those before the task specs), or a list
 * of `[{label, score}]` lists in today's shape (wire/hf §6: unverified on the router, so both are read).
 */
const perInput = z.union([z.array(labelScore), legacy]);

type LabelScores = Array<z.output<typeof labelScore>>;

/** `{labels, scores}` zipped into `[{label, score}]` sorted by score, as huggingface.js does; lists as they are. */
function labelScores(item: z.output<typeof perInput>): LabelScores {
  if (Array.isArray(item)) return item;
  const zipped = item.labels.map((label, index) => ({ label, score: item.scores[index] ?? 0 }));
  return zipped.sort((a, b) => b.score - a.score);
}

export const zeroShotClassification: HfTaskMapping<'zero-shot-classification'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context, input) {
    const json = expectJson(body, context);
    const texts = Array.isArray(input?.inputs) ? input.inputs.length : undefined;
    // A one-text list is read in the one-text shapes too (which one a server sends for it is unverified).
    if (texts !== undefined && (texts > 1 || !upstream.safeParse(json).success)) {
      const expected = `${texts} answers, one per text`;
      return { output: parseUpstream(z.array(perInput).length(texts), json, context, expected).map(labelScores) };
    }
    const parsed = parseUpstream(upstream, json, context, '[{label, score}] or {labels, scores}');
    const legacyItem = legacy.safeParse(Array.isArray(parsed) ? parsed[0] : parsed);
    const scores = labelScores(legacyItem.success ? legacyItem.data : (parsed as LabelScores));
    return { output: texts === undefined ? scores : [scores] };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: `[{sequence, labels, scores}, …]`; each text costs one forward pass per label, hence 8.
  batch: listBatch((body, context) => zeroShotClassification.response(body, context), {
    targets: 'dedicated',
    maxBatchSize: 8,
  }),
};
