import { defineTask } from './define-task';
import { binaryClassificationInputSchema, labelScoreListSchema } from './shared-schemas';

export const imageClassification = defineTask({
  id: 'image-classification',
  summary: 'Label an image with scores.',
  hfSpec: 'image-classification',
  deterministic: true,
  binaryInputs: ['inputs'],
  input: binaryClassificationInputSchema(),
  output: labelScoreListSchema,
  example: {
    input: {
      inputs: 'https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/cats.png',
      parameters: { top_k: 2 },
    },
    output: [
      { label: 'tabby, tabby cat', score: 0.472 },
      { label: 'Egyptian cat', score: 0.287 },
    ],
  },
});
