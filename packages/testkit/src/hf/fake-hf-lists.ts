import { FakeHfError } from './fake-hf-error.js';
import type { FakeTaskAnswer, FakeTaskRequest } from './fake-hf-tasks.js';

/** How a dedicated endpoint's container treats lists of inputs (wire/hf §6). */
export interface FakeListOptions {
  /**
   * The toolkit's handler passes `inputs` to the transformers pipeline unchanged, so a list of texts (or
   * `{question: [...], context: [...]}`) is run item by item and answered in transformers' list shapes.
   */
  takesLists?: boolean;
  /** Items containing this text are refused: 422 naming the item's position, as a validation error does. */
  rejectsText?: string;
}

type Answer = (request: FakeTaskRequest) => FakeTaskAnswer;

/** One item of a list, as the pipeline answers it inside a list (transformers' `__call__` for a list). */
const listItemShapes: Record<string, (json: unknown, request: FakeTaskRequest) => unknown> = {
  // Without `top_k` one best `{label, score}` per text (the legacy flat shape); with it, one list per text.
  'text-classification': (json, request) => {
    const scores = (json as unknown[][])[0] as unknown[];
    return request.parameters.top_k === undefined ? scores[0] : scores;
  },
  'token-classification': (json) => json,
  'fill-mask': (json) => json,
  summarization: (json) => (json as unknown[])[0],
  translation: (json) => (json as unknown[])[0],
  'zero-shot-classification': (json, request) => {
    const scored = json as Array<{ label: string; score: number }>;
    return { sequence: request.inputs, labels: scored.map((item) => item.label), scores: scored.map((i) => i.score) };
  },
  'question-answering': (json) => json,
};

/** transformers' answer to one text: text-classification without `top_k` gives only the best label, wrapped. */
function singleShape(task: string, request: FakeTaskRequest, answered: FakeTaskAnswer): FakeTaskAnswer {
  if (task !== 'text-classification' || request.parameters.top_k !== undefined || !('json' in answered))
    return answered;
  return { json: [(answered.json as unknown[][])[0]?.[0]] };
}

/** The texts of a request, one per item: strings, or a QA body's question-context pairs. */
function itemTexts(inputs: unknown): unknown[] {
  if (Array.isArray(inputs)) return inputs;
  const pair = (inputs ?? {}) as { question?: unknown; context?: unknown };
  if (Array.isArray(pair.question)) {
    const contexts = Array.isArray(pair.context) ? pair.context : [];
    return pair.question.map((question, index) => [question, contexts[index]]);
  }
  return [inputs];
}

/** Refuses the first item containing `rejectsText`, naming it. */
function refuseBadItem(request: FakeTaskRequest, options: FakeListOptions): void {
  if (options.rejectsText === undefined) return;
  const texts = itemTexts(request.inputs);
  const bad = texts.findIndex((text) => JSON.stringify(text).includes(options.rejectsText as string));
  if (bad === -1) return;
  throw new FakeHfError(422, {
    error: `inputs[${bad}]: input validation error: the input is longer than the model's maximum sequence length`,
    error_type: 'Validation',
  });
}

/**
 * A dedicated endpoint's answer: a list of inputs runs item by item through `answer` and comes back in the
 * pipeline's list shape; anything else is answered as one input. Items are refused first, as validation is.
 */
export function answerEndpoint(
  task: string,
  request: FakeTaskRequest,
  answer: Answer,
  options: FakeListOptions,
): FakeTaskAnswer {
  refuseBadItem(request, options);
  const shape = listItemShapes[task];
  const pairs = (request.inputs ?? {}) as { question?: unknown; context?: unknown };
  const questions = task === 'question-answering' && Array.isArray(pairs.question) ? pairs.question : undefined;
  if (!options.takesLists || !shape) return answer(request);
  if (!Array.isArray(request.inputs) && !questions) return singleShape(task, request, answer(request));
  const contexts = Array.isArray(pairs.context) ? pairs.context : [];
  const items: FakeTaskRequest[] = questions
    ? questions.map((question, index) => ({ ...request, inputs: { question, context: contexts[index] } }))
    : (request.inputs as unknown[]).map((inputs) => ({ ...request, inputs }));
  const answers = items.map((item) => shape((answer(item) as { json: unknown }).json, item));
  // transformers unwraps the answer to a one-item list for fill-mask (`fill_mask.py` `__call__`).
  return { json: task === 'fill-mask' && answers.length === 1 ? answers[0] : answers };
}
