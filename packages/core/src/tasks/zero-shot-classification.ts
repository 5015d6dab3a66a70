import { z } from 'zod';
import { defineTask } from './define-task';
import { labelListSchema, labelScoreListSchema, objectExpected } from './shared-schemas';

export const zeroShotClassification = defineTask({
  id: 'zero-shot-classification',
  summary: 'Score a text against labels chosen at call time.',
  hfSpec: 'zero-shot-classification',
  // Lists go in one call to dedicated endpoints (their pipelines take them, wire/hf §6).
  batchable: true,
  deterministic: true,
  input: z.strictObject({
    // A list is classified in one call, answers in input order (wire/hf §6; huggingface.js typed `string | string[]`).
    inputs: z.union([z.string(), z.array(z.string()).min(1, 'expected at least one text')], {
      error: 'expected the text to classify (a string) or a list of texts (strings)',
    }),
    parameters: z.strictObject(
      {
        candidate_labels: labelListSchema,
        hypothesis_template: z.string().optional(),
        multi_label: z.boolean().optional(),
      },
      { error: objectExpected('parameters with candidate_labels') },
    ),
  }),
  // Normalised to `[{label, score}]` sorted by score (one such list per input for a list of inputs); adapters zip
  // the legacy `{labels, scores}` form.
  output: z.union([labelScoreListSchema, z.array(labelScoreListSchema)]),
  example: {
    input: {
      inputs: 'Hi, I recently bought a device from your company but it is not working as advertised.',
      parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
    },
    output: [
      { label: 'refund', score: 0.877 },
      { label: 'faq', score: 0.103 },
      { label: 'legal', score: 0.02 },
    ],
  },
});
