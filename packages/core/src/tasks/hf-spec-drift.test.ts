import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getTask, taskIds } from './task-registry';

/**
 * Drift check against the official task specs shipped in `@huggingface/tasks`
 * (`src/tasks/<task>/spec/input.json`): our input schemas must carry exactly the spec's
 * field names, with the same required set, at every level the spec describes as an object
 * (root, `inputs`, `parameters`, and nested objects such as `generation_parameters`).
 */

type JsonSchema = {
  $ref?: string;
  allOf?: JsonSchema[];
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  [key: string]: unknown;
};

const tasksDirectory = join(
  dirname(createRequire(import.meta.url).resolve('@huggingface/tasks/package.json')),
  'src',
  'tasks',
);

function readJson(path: string): JsonSchema {
  return JSON.parse(readFileSync(path, 'utf8')) as JsonSchema;
}

const commonDefinitions = readJson(join(tasksDirectory, 'common-definitions.json'));

/** Follows `$ref` (local `#/$defs/…` or common-definitions.json) and single-item `allOf` wrappers. */
function resolve(node: JsonSchema, document: JsonSchema): JsonSchema {
  if (node.$ref) {
    const [file, pointer = ''] = node.$ref.split('#');
    const root = file ? (file.endsWith('common-definitions.json') ? commonDefinitions : undefined) : document;
    if (!root) throw new Error(`unknown $ref ${node.$ref}`);
    let target: unknown = root;
    for (const key of pointer.split('/').filter(Boolean)) target = (target as Record<string, unknown>)[key];
    if (!target) throw new Error(`unresolved $ref ${node.$ref}`);
    const { $ref: _ref, ...rest } = node;
    return resolve({ ...(target as JsonSchema), ...rest }, root === document ? document : commonDefinitions);
  }
  if (node.allOf?.length === 1 && node.allOf[0]) {
    const { allOf: _allOf, ...rest } = node;
    return resolve({ ...node.allOf[0], ...rest }, document);
  }
  return node;
}

/** Field names and required names of a zod object schema (through optional/nullable/default wrappers). */
function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  for (;;) {
    if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
    else if (node instanceof z.ZodDefault) node = node.unwrap() as z.ZodType;
    else return node;
  }
}

function objectFields(schema: z.ZodType): { shape: Record<string, z.ZodType>; required: string[] } | undefined {
  const node = unwrap(schema);
  if (!(node instanceof z.ZodObject)) return undefined;
  const shape = node.shape as Record<string, z.ZodType>;
  return { shape, required: Object.keys(shape).filter((key) => !(shape[key] instanceof z.ZodOptional)) };
}

/** Deliberate differences, by task and dotted level ('' = root). Each entry says why. */
interface Allowance {
  level: string;
  extra?: string[];
  missing?: string[];
}

const allowedDifferences: Record<string, readonly Allowance[]> = {
  // `model` and `stream` are chosen by the client and provider, not passed as input.
  'chat-completion': [{ level: '', missing: ['model', 'stream'] }],
  // `stream` is chosen by the client (`run` vs `stream`).
  'text-generation': [{ level: '', missing: ['stream'] }],
  // `dimensions` is OpenAI's embeddings option (shortened vectors); the HF adapter refuses it.
  'feature-extraction': [{ level: '', extra: ['dimensions'] }],
  // The legacy API's top-level generation parameters, still sent by seed-era callers (wire/hf §5.7).
  summarization: [
    {
      level: 'parameters',
      extra: ['max_length', 'max_time', 'min_length', 'repetition_penalty', 'temperature', 'top_k', 'top_p'],
    },
  ],
};

interface Difference {
  level: string;
  extra: string[];
  missing: string[];
  requiredOnlyInOurs: string[];
  requiredOnlyInSpec: string[];
  notAnObject?: boolean;
}

function compare(
  ours: z.ZodType,
  specNode: JsonSchema,
  document: JsonSchema,
  level: string,
  allowances: readonly Allowance[],
  differences: Difference[],
): void {
  const spec = resolve(specNode, document);
  if (!spec.properties) return; // free-form (e.g. generate_parameters, a table) or a oneOf: names are not fixed
  const fields = objectFields(ours);
  if (!fields) {
    differences.push({
      level,
      extra: [],
      missing: [],
      requiredOnlyInOurs: [],
      requiredOnlyInSpec: [],
      notAnObject: true,
    });
    return;
  }
  const allowed = allowances.find((entry) => entry.level === level);
  const specNames = Object.keys(spec.properties).filter((name) => !allowed?.missing?.includes(name));
  const ourNames = Object.keys(fields.shape).filter((name) => !allowed?.extra?.includes(name));
  const specRequired = (spec.required ?? []).filter((name) => specNames.includes(name));
  const difference: Difference = {
    level,
    extra: ourNames.filter((name) => !specNames.includes(name)).sort(),
    missing: specNames.filter((name) => !ourNames.includes(name)).sort(),
    requiredOnlyInOurs: fields.required
      .filter((name) => ourNames.includes(name) && !specRequired.includes(name))
      .sort(),
    requiredOnlyInSpec: specRequired.filter((name) => !fields.required.includes(name)).sort(),
  };
  if (
    difference.extra.length +
      difference.missing.length +
      difference.requiredOnlyInOurs.length +
      difference.requiredOnlyInSpec.length >
    0
  ) {
    differences.push(difference);
  }
  for (const [name, property] of Object.entries(spec.properties)) {
    const field = fields.shape[name];
    if (field) compare(field, property, document, level ? `${level}.${name}` : name, allowances, differences);
  }
}

const specTasks = taskIds.filter((id) => getTask(id).hfSpec !== null);

describe('input schemas match @huggingface/tasks specs', () => {
  it('covers every task with an hfSpec, and each spec exists', () => {
    expect(specTasks).toHaveLength(25);
    for (const id of specTasks) {
      expect(() => readJson(join(tasksDirectory, getTask(id).hfSpec ?? '', 'spec', 'input.json')), id).not.toThrow();
    }
  });

  it.each(specTasks)('%s: same field names and required fields as the spec', (id) => {
    const document = readJson(join(tasksDirectory, getTask(id).hfSpec ?? '', 'spec', 'input.json'));
    const differences: Difference[] = [];
    compare(getTask(id).input, document, document, '', allowedDifferences[id] ?? [], differences);
    expect(differences).toEqual([]);
  });

  it('detects drift (the comparison can fail)', () => {
    const document: JsonSchema = {
      type: 'object',
      required: ['inputs'],
      properties: { inputs: { type: 'string' }, parameters: { $ref: '#/$defs/P' } },
      $defs: {
        P: {
          type: 'object',
          properties: { top_k: { type: 'integer' }, new_knob: { type: 'number' } },
          required: ['top_k'],
        },
      },
    };
    const ours = z.strictObject({
      inputs: z.string(),
      parameters: z.strictObject({ top_k: z.int().optional(), old_knob: z.number().optional() }).optional(),
    });
    const differences: Difference[] = [];
    compare(ours, document, document, '', [], differences);
    expect(differences).toEqual([
      {
        level: 'parameters',
        extra: ['old_knob'],
        missing: ['new_knob'],
        requiredOnlyInOurs: [],
        requiredOnlyInSpec: ['top_k'],
      },
    ]);
  });
});
