import { defineTask } from './define-task';
import { binaryClassificationInputSchema, labelScoreListSchema } from './shared-schemas';

export const audioClassification = defineTask({
  id: 'audio-classification',
  summary: 'Label an audio clip (emotion, language, sound event, …) with scores.',
  hfSpec: 'audio-classification',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: binaryClassificationInputSchema(),
  output: labelScoreListSchema,
  example: {
    input: { inputs: 'data:audio/wav;base64,UklGRiQAAABXQVZFZm10IA==', parameters: { top_k: 2 } },
    output: [
      { label: 'neu', score: 0.7184 },
      { label: 'hap', score: 0.1532 },
    ],
  },
});
