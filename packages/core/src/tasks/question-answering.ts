import { z } from 'zod';
import { defineTask } from './define-task';
import { extractiveAnswerSchema, nonNegativeIntSchema, objectExpected, positiveIntSchema } from './shared-schemas';

export const questionAnswering = defineTask({
  id: 'question-answering',
  summary: 'Extract the answer to a question from a context text.',
  hfSpec: 'question-answering',
  // Lists go in one call to dedicated endpoints (their pipelines take them, wire/hf §6).
  batchable: true,
  deterministic: true,
  input: z.strictObject({
    inputs: z.strictObject(
      {
        question: z.string({ error: 'expected the question (a string)' }),
        context: z.string({ error: 'expected the context text to search (a string)' }),
      },
      { error: objectExpected('{ question, context }') },
    ),
    parameters: z
      .strictObject({
        top_k: positiveIntSchema.optional(),
        doc_stride: nonNegativeIntSchema.optional(),
        max_answer_len: positiveIntSchema.optional(),
        max_seq_len: positiveIntSchema.optional(),
        max_question_len: positiveIntSchema.optional(),
        handle_impossible_answer: z.boolean().optional(),
        align_to_words: z.boolean().optional(),
      })
      .optional(),
  }),
  // The best answer; `start`/`end` are character offsets into `context`. Adapters take the
  // first item when the upstream returns a list.
  output: extractiveAnswerSchema,
  example: {
    input: { inputs: { question: 'What is my name?', context: 'My name is Clara and I live in Berkeley.' } },
    output: { answer: 'Clara', score: 0.9327, start: 11, end: 16 },
  },
});
