import { z } from 'zod';
import { defineTask } from './define-task';
import { imageQuestionSchema, nonNegativeIntSchema, positiveIntSchema } from './shared-schemas';

/** A word, or its box `[x0, y0, x1, y1]` normalised to 0–1000. */
const wordBoxSchema = z.union([z.string(), z.tuple([z.number(), z.number(), z.number(), z.number()])], {
  error: 'expected a word (a string) or a box [x0, y0, x1, y1]',
});

/**
 * Only `answer` is always there: generative models (donut) answer `[{"answer":"us-001"}]` with no score or
 * offsets (wire/hf §5.27, recorded live traffic).
 */
const documentAnswerSchema = z.looseObject({
  answer: z.string(),
  score: z.number().optional(),
  start: z.number().optional(),
  end: z.number().optional(),
});

export const documentQuestionAnswering = defineTask({
  id: 'document-question-answering',
  summary: 'Answer a question about a document image (invoice, form, …).',
  hfSpec: 'document-question-answering',
  deterministic: true,
  binaryInputs: ['inputs.image'],
  input: z.strictObject({
    inputs: imageQuestionSchema,
    parameters: z
      .strictObject({
        doc_stride: nonNegativeIntSchema.optional(),
        handle_impossible_answer: z.boolean().optional(),
        /** OCR language (default English). */
        lang: z.string().optional(),
        max_answer_len: positiveIntSchema.optional(),
        max_seq_len: positiveIntSchema.optional(),
        max_question_len: positiveIntSchema.optional(),
        top_k: positiveIntSchema.optional(),
        /** When given, the server skips OCR. */
        word_boxes: z.array(wordBoxSchema, { error: 'expected a list of words and boxes' }).optional(),
      })
      .optional(),
  }),
  // `start`/`end` are word indices in the OCR'd text (or `word_boxes`), not character offsets.
  output: z.array(documentAnswerSchema),
  example: {
    input: {
      inputs: {
        image: 'https://huggingface.co/spaces/impira/docquery/resolve/main/invoice.png',
        question: 'What is the invoice number?',
      },
    },
    output: [{ answer: 'us-001', score: 0.9986, start: 16, end: 16 }],
  },
});
