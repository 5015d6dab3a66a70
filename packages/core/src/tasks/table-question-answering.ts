import { z } from 'zod';
import { defineTask } from './define-task';
import { objectExpected } from './shared-schemas';

export const tableQuestionAnswering = defineTask({
  id: 'table-question-answering',
  summary: 'Answer a question about a table (columns of cell strings).',
  hfSpec: 'table-question-answering',
  deterministic: true,
  input: z.strictObject({
    // The spec names the field `question`; adapters that talk to servers expecting the legacy
    // `query` name map it there.
    inputs: z.strictObject(
      {
        question: z.string({ error: 'expected the question (a string)' }),
        table: z.record(
          z.string(),
          z.array(z.string({ error: 'expected a cell (a string)' }), {
            error: 'expected a column (a list of cell strings)',
          }),
          { error: 'expected the table as { column: [cell, …] }' },
        ),
      },
      { error: objectExpected('{ question, table }') },
    ),
    parameters: z
      .strictObject({
        padding: z.enum(['do_not_pad', 'longest', 'max_length']).optional(),
        sequential: z.boolean().optional(),
        truncation: z.boolean().optional(),
      })
      .optional(),
  }),
  output: z.looseObject({
    /** Prefixed with `"AGGREGATOR > "` when there is an aggregator. */
    answer: z.string(),
    /** `[row, column]` of each answer cell. */
    coordinates: z.array(z.array(z.number())),
    cells: z.array(z.string()),
    aggregator: z.string().optional(),
  }),
  example: {
    input: {
      inputs: {
        question: 'How many stars does the transformers repository have?',
        table: { Repository: ['Transformers', 'Datasets'], Stars: ['36542', '4512'] },
      },
    },
    output: { answer: 'AVERAGE > 36542', coordinates: [[0, 1]], cells: ['36542'], aggregator: 'AVERAGE' },
  },
});
