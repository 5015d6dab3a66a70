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

export const zeroShotClassification: HfTaskMapping<'zero-shot-classification'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[{label, score}] or {labels, scores}');
    const item = Array.isArray(parsed) ? parsed[0] : parsed;
    const legacyItem = legacy.safeParse(item);
    if (legacyItem.success) {
      const { labels, scores } = legacyItem.data;
      const zipped = labels.map((label, index) => ({ label, score: scores[index] ?? 0 }));
      return { output: zipped.sort((a, b) => b.score - a.score) };
    }
    return { output: parsed as Array<z.output<typeof labelScore>> };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: `[{sequence, labels, scores}, …]`; each text costs one forward pass per label, hence 8.
  batch: listBatch((body, context) => zeroShotClassification.response(body, context), {
    targets: 'dedicated',
    maxBatchSize: 8,
  }),
};
