import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { type BinaryData, binaryInputSchema } from '../binary/binary-input';
import { parseWith, ValidationError } from '../errors/validation-error';
import {
  getTask,
  isTaskId,
  type TaskId,
  type TaskInput,
  type TaskOutput,
  taskIds,
  taskRegistry,
} from './task-registry';

type PathSegment = string | number;

/** One wrong-typed field and one unknown key per task, applied to a copy of the task's example input. */
const malformed: Record<TaskId, { wrongType: { path: PathSegment[]; value: unknown }; unknownKeyAt: PathSegment[] }> = {
  'text-classification': { wrongType: { path: ['parameters', 'top_k'], value: 'two' }, unknownKeyAt: ['parameters'] },
  'token-classification': {
    wrongType: { path: ['parameters', 'stride'], value: 'wide' },
    unknownKeyAt: ['parameters'],
  },
  'zero-shot-classification': {
    wrongType: { path: ['parameters', 'candidate_labels'], value: 'refund' },
    unknownKeyAt: ['parameters'],
  },
  'fill-mask': { wrongType: { path: ['parameters', 'targets'], value: 'no' }, unknownKeyAt: ['parameters'] },
  'question-answering': { wrongType: { path: ['inputs', 'question'], value: 42 }, unknownKeyAt: ['inputs'] },
  'table-question-answering': {
    wrongType: { path: ['inputs', 'table', 'Stars'], value: '36542' },
    unknownKeyAt: ['inputs'],
  },
  summarization: { wrongType: { path: ['parameters', 'truncation'], value: true }, unknownKeyAt: ['parameters'] },
  translation: { wrongType: { path: ['parameters', 'src_lang'], value: 7 }, unknownKeyAt: ['parameters'] },
  'text-generation': {
    wrongType: { path: ['parameters', 'max_new_tokens'], value: '20' },
    unknownKeyAt: ['parameters'],
  },
  'chat-completion': { wrongType: { path: ['messages', 0, 'content'], value: 42 }, unknownKeyAt: ['messages', 0] },
  'feature-extraction': { wrongType: { path: ['normalize'], value: 'yes' }, unknownKeyAt: [] },
  'sentence-similarity': { wrongType: { path: ['inputs', 'sentences'], value: 'a dog' }, unknownKeyAt: ['inputs'] },
  'image-classification': { wrongType: { path: ['inputs'], value: 42 }, unknownKeyAt: ['parameters'] },
  'zero-shot-image-classification': {
    wrongType: { path: ['parameters', 'candidate_labels', 0], value: 1 },
    unknownKeyAt: ['parameters'],
  },
  'object-detection': { wrongType: { path: ['parameters', 'threshold'], value: 'high' }, unknownKeyAt: ['parameters'] },
  'image-segmentation': {
    wrongType: { path: ['parameters', 'subtask'], value: 'everything' },
    unknownKeyAt: ['parameters'],
  },
  'image-to-text': {
    wrongType: { path: ['parameters', 'generation_parameters', 'num_beams'], value: 'four' },
    unknownKeyAt: ['parameters'],
  },
  'image-to-image': {
    wrongType: { path: ['parameters', 'target_size', 'width'], value: '512' },
    unknownKeyAt: ['parameters'],
  },
  'text-to-image': { wrongType: { path: ['parameters', 'seed'], value: 1.5 }, unknownKeyAt: ['parameters'] },
  'text-to-video': {
    wrongType: { path: ['parameters', 'negative_prompt'], value: 'blurry' },
    unknownKeyAt: ['parameters'],
  },
  'automatic-speech-recognition': {
    wrongType: { path: ['parameters', 'return_timestamps'], value: 'yes' },
    unknownKeyAt: ['parameters'],
  },
  'audio-classification': {
    wrongType: { path: ['parameters', 'function_to_apply'], value: 'relu' },
    unknownKeyAt: ['parameters'],
  },
  'text-to-speech': { wrongType: { path: ['inputs'], value: ['hello'] }, unknownKeyAt: [] },
  'visual-question-answering': { wrongType: { path: ['inputs', 'image'], value: 42 }, unknownKeyAt: ['inputs'] },
  'document-question-answering': {
    wrongType: { path: ['parameters', 'word_boxes', 0], value: [1, 2, 3] },
    unknownKeyAt: ['parameters'],
  },
  'image-generation': { wrongType: { path: ['image_urls', 0], value: 'not a url' }, unknownKeyAt: [] },
  'video-generation': { wrongType: { path: ['duration'], value: 5.5 }, unknownKeyAt: [] },
};

function camelCase(id: string): string {
  return id.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function dotted(path: PathSegment[]): string {
  return path.reduce<string>(
    (result, segment) =>
      typeof segment === 'number' ? `${result}[${segment}]` : result ? `${result}.${segment}` : segment,
    '',
  );
}

/** A deep copy of `value` with `path` set (creating plain objects on the way). */
function withValue(value: unknown, path: PathSegment[], leaf: unknown): unknown {
  const copy = structuredClone(value) as Record<PathSegment, unknown>;
  let node = copy;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    node[segment] ??= typeof path[index + 1] === 'number' ? [] : {};
    node = node[segment] as Record<PathSegment, unknown>;
  }
  const last = path.at(-1);
  if (last === undefined) throw new Error('empty path');
  node[last] = leaf;
  return copy;
}

function captureValidationError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError, but parsing succeeded');
}

/** Walks an input schema along a dotted path (object shapes only, through optional). */
function schemaAt(schema: z.ZodType, path: string): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const key of path.split('.')) {
    while (node instanceof z.ZodOptional) node = node.unwrap() as z.ZodType;
    if (!(node instanceof z.ZodObject)) return undefined;
    node = (node.shape as Record<string, z.ZodType>)[key];
  }
  return node;
}

describe('task registry', () => {
  it('lists each task once, in a file named after its id that exports the camelCase const', async () => {
    expect(new Set(taskIds).size).toBe(taskIds.length);
    expect(taskIds).toHaveLength(27);
    const directory = fileURLToPath(new URL('.', import.meta.url));
    const helpers = new Set(['define-task.ts', 'shared-schemas.ts', 'task-registry.ts']);
    const taskFiles = readdirSync(directory)
      .filter((file) => file.endsWith('.ts') && !file.includes('.test') && !helpers.has(file))
      .map((file) => file.replace(/\.ts$/, ''))
      .sort();
    expect(taskFiles).toEqual([...taskIds].sort());
    for (const id of taskIds) {
      const module = (await import(/* @vite-ignore */ new URL(`./${id}.ts`, import.meta.url).href)) as Record<
        string,
        unknown
      >;
      expect(module[camelCase(id)], `${id}.ts exports ${camelCase(id)}`).toBe(taskRegistry[id]);
      expect(taskRegistry[id].id).toBe(id);
    }
  });

  it('looks tasks up by id and rejects unknown ids with the known list', () => {
    expect(getTask('fill-mask')).toBe(taskRegistry['fill-mask']);
    expect(isTaskId('chat-completion')).toBe(true);
    expect(isTaskId('text2text-generation')).toBe(false);
    expect(() => getTask('text2text-generation')).toThrow(
      /Unknown task "text2text-generation"\. Known tasks: text-classification,/,
    );
  });

  it('marks flags where they belong', () => {
    const withFlag = (flag: 'streaming' | 'async' | 'batchable') =>
      taskIds.filter((id) => getTask(id)[flag] === true).sort();
    expect(withFlag('streaming')).toEqual(['chat-completion', 'text-generation']);
    expect(withFlag('async')).toEqual(['image-generation', 'video-generation']);
    expect(withFlag('batchable')).toEqual([
      'feature-extraction',
      'fill-mask',
      'question-answering',
      'summarization',
      'text-classification',
      'token-classification',
      'translation',
      'zero-shot-classification',
    ]);
    expect(taskIds.filter((id) => getTask(id).hfSpec === null).sort()).toEqual([
      'image-generation',
      'video-generation',
    ]);
    for (const id of [
      'text-generation',
      'chat-completion',
      'text-to-image',
      'image-generation',
      'video-generation',
      'summarization',
    ] as const) {
      expect(getTask(id).deterministic, id).not.toBe(true);
    }
  });

  describe.each(taskIds)('%s', (id) => {
    const task = getTask(id);

    it('parses its example input and output', () => {
      expect(() => parseWith(task.input, task.example.input, `${id} input`)).not.toThrow();
      expect(() => parseWith(task.output, task.example.output, `${id} output`)).not.toThrow();
    });

    it('points binaryInputs at binary fields', () => {
      for (const path of task.binaryInputs ?? []) {
        expect(schemaAt(task.input, path), `${id} ${path}`).toBe(binaryInputSchema);
      }
    });

    it('names the field of a wrong-typed input', () => {
      const { path, value } = malformed[id].wrongType;
      const error = captureValidationError(() =>
        parseWith(task.input, withValue(task.example.input, path, value), `${id} input`),
      );
      expect(error.code).toBe('caller_invalid_input');
      expect(error.issues[0]?.path).toBe(dotted(path));
      expect(error.message).toContain(dotted(path));
    });

    it('rejects an unknown key and names it', () => {
      const at = malformed[id].unknownKeyAt;
      const error = captureValidationError(() =>
        parseWith(task.input, withValue(task.example.input, [...at, 'bogus_option'], true), `${id} input`),
      );
      expect(error.issues[0]?.path).toBe(dotted(at));
      expect(error.issues[0]?.message).toContain('bogus_option');
    });
  });
});

describe('input rules beyond types', () => {
  it('requires candidate_labels for zero-shot tasks', () => {
    const error = captureValidationError(() =>
      parseWith(getTask('zero-shot-classification').input, { inputs: 'x', parameters: {} }, 'input'),
    );
    expect(error.issues[0]?.path).toBe('parameters.candidate_labels');
    const missing = captureValidationError(() =>
      parseWith(getTask('zero-shot-image-classification').input, { inputs: 'https://x.test/a.png' }, 'input'),
    );
    expect(missing.issues[0]).toEqual({
      path: 'parameters',
      message: 'expected parameters with candidate_labels (an object)',
    });
  });

  it('keeps model and stream out of chat-completion and text-generation inputs', () => {
    const chat = getTask('chat-completion').input;
    for (const key of ['model', 'stream']) {
      const error = captureValidationError(() =>
        parseWith(chat, { messages: [{ role: 'user', content: 'hi' }], [key]: 'x' }, 'input'),
      );
      expect(error.issues[0]?.message).toContain(key);
    }
    expect(() => parseWith(getTask('text-generation').input, { inputs: 'hi', stream: true }, 'input')).toThrow(
      /stream/,
    );
  });

  it('accepts chat content parts, tool calls and tool results', () => {
    const input: TaskInput<'chat-completion'> = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"animal":"cat"}' },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    };
    expect(() => parseWith(getTask('chat-completion').input, input, 'input')).not.toThrow();
    const error = captureValidationError(() =>
      parseWith(getTask('chat-completion').input, { messages: [{ role: 'user' }] }, 'input'),
    );
    expect(error.issues[0]?.path).toBe('messages[0].content');
  });

  it('rejects an empty prompt for generation tasks', () => {
    for (const id of ['image-generation', 'video-generation'] as const) {
      const error = captureValidationError(() => parseWith(getTask(id).input, { prompt: '' }, 'input'));
      expect(error.issues[0]).toEqual({ path: 'prompt', message: 'expected a non-empty prompt' });
    }
  });

  it('fills a missing chat message content with null and keeps extra upstream fields', () => {
    const output = parseWith(
      getTask('chat-completion').output,
      {
        id: 'x',
        created: 1,
        model: 'm',
        choices: [{ index: 0, message: { role: 'assistant', reasoning: 'hm' }, finish_reason: 'stop' }],
        extra: 1,
      },
      'output',
    ) as TaskOutput<'chat-completion'>;
    expect(output.choices[0]?.message.content).toBeNull();
    expect(output.choices[0]?.message.reasoning).toBe('hm');
    expect(output.extra).toBe(1);
  });
});

describe('registry types', () => {
  it('keeps exact input and output types per task', () => {
    expectTypeOf<TaskOutput<'text-classification'>>().toExtend<{ label: string; score: number }[]>();
    expectTypeOf<TaskOutput<'text-classification'>[number]['score']>().toEqualTypeOf<number>();
    expectTypeOf<TaskInput<'zero-shot-classification'>['parameters']>().toEqualTypeOf<{
      candidate_labels: string[];
      hypothesis_template?: string | undefined;
      multi_label?: boolean | undefined;
    }>();
    expectTypeOf<TaskInput<'question-answering'>['inputs']>().toEqualTypeOf<{ question: string; context: string }>();
    expectTypeOf<TaskOutput<'question-answering'>>().toExtend<{
      answer: string;
      score: number;
      start: number;
      end: number;
    }>();
    expectTypeOf<TaskOutput<'feature-extraction'>>().toEqualTypeOf<
      number[] | number[][] | number[][][] | number[][][][]
    >();
    expectTypeOf<TaskOutput<'sentence-similarity'>>().toEqualTypeOf<number[]>();
    expectTypeOf<TaskOutput<'text-to-image'>['image']>().toExtend<BinaryData>();
    expectTypeOf<TaskOutput<'text-to-speech'>['audio']>().toExtend<BinaryData>();
    expectTypeOf<TaskOutput<'chat-completion'>['choices'][number]['message']['content']>().toEqualTypeOf<
      string | null
    >();
    expectTypeOf<TaskInput<'image-generation'>['prompt']>().toEqualTypeOf<string>();
    expectTypeOf<TaskOutput<'video-generation'>['videos'][number]['url']>().toEqualTypeOf<string>();
    expectTypeOf<'nope'>().not.toExtend<TaskId>();
    // No `any` leaks through the registry.
    expectTypeOf<TaskInput<'fill-mask'>>().not.toBeAny();
    expectTypeOf<TaskOutput<'token-classification'>>().not.toBeAny();
  });
});

/** Shapes recorded from the live HF API that the schemas must take (issue #18, items 1, 3–6). */
describe('real-wire shapes', () => {
  const parse = (task: TaskId, side: 'input' | 'output', value: unknown) => parseWith(getTask(task)[side], value, side);

  it('takes token-level embeddings of a list of texts, four levels deep (item 1)', () => {
    // bart-base with two texts: 2 inputs × 1 × 3 tokens × dims (768 on the wire, 2 here).
    const fourDeep = [
      [
        [
          [2.67, -0.41],
          [0.12, 1.05],
          [-0.3, 0.77],
        ],
      ],
      [
        [
          [1.9, 0.08],
          [0.33, -1.2],
          [0.5, 0.5],
        ],
      ],
    ];
    expect(parse('feature-extraction', 'output', fourDeep)).toEqual(fourDeep);
    expect(() => parse('feature-extraction', 'output', [[[[['too deep']]]]])).toThrow(ValidationError);
  });

  it('takes a document answer without score or offsets (item 3)', () => {
    expect(parse('document-question-answering', 'output', [{ answer: 'us-001' }])).toEqual([{ answer: 'us-001' }]);
    expect(() => parse('document-question-answering', 'output', [{ score: 0.9 }])).toThrow(/answer/);
  });

  it('takes the legacy top-level summarization generation parameters (item 4)', () => {
    const input = { inputs: 'A long text.', parameters: { max_length: 40, min_length: 5, temperature: 0.7 } };
    expect(parse('summarization', 'input', input)).toEqual(input);
    expect(() => parse('summarization', 'input', { inputs: 'x', parameters: { max_length: 0 } })).toThrow(
      /parameters\.max_length/,
    );
  });

  it('takes a list of texts for zero-shot classification and translation, one answer per input (item 5)', () => {
    const zeroShot = { inputs: ['I want my money back', 'Where is the FAQ?'], parameters: { candidate_labels: ['a'] } };
    expect(parse('zero-shot-classification', 'input', zeroShot)).toEqual(zeroShot);
    const perInput = [[{ label: 'refund', score: 0.9 }], [{ label: 'faq', score: 0.8 }]];
    expect(parse('zero-shot-classification', 'output', perInput)).toEqual(perInput);
    expect(parse('translation', 'input', { inputs: ['Привет', 'Пока'] })).toEqual({ inputs: ['Привет', 'Пока'] });
    const translations = [{ translation_text: 'Hello' }, { translation_text: 'Bye' }];
    expect(parse('translation', 'output', translations)).toEqual(translations);
    expect(() => parse('translation', 'input', { inputs: [] })).toThrow(/at least one text/);
    expect(() =>
      parse('zero-shot-classification', 'input', { inputs: [3], parameters: { candidate_labels: ['a'] } }),
    ).toThrow(ValidationError);
  });

  it('takes temperature 0 (greedy) for text-generation, as /v1/completions does, and still refuses < 0 (item 6)', () => {
    const greedy = { inputs: 'The answer is', parameters: { temperature: 0 } };
    expect(parse('text-generation', 'input', greedy)).toEqual(greedy);
    expect(() => parse('text-generation', 'input', { inputs: 'x', parameters: { temperature: -0.1 } })).toThrow(
      /parameters\.temperature/,
    );
  });
});
