import { InfermuxError, type TaskDefinition } from '@infermux/core';
import { kindsOf, objectShape } from '@infermux/core/provider-utils';
import type { z } from 'zod';
import { classifySource, type InputSource, readStdin, sourceAsBinary, sourceAsText } from './read-source';
import { type Assignment, applyAssignments, parseAssignment } from './typed-assignment';

export interface InputFlags {
  /** The positional input: text, `-`, `@path` or a URL. */
  positional?: string;
  inputJson?: string;
  /** `--input key=value` (fields of the input itself). */
  inputFields?: string[];
  /** `--param key=value` (task parameters). */
  params?: string[];
  paramsJson?: string;
  /** A system prompt for chat tasks. */
  system?: string;
}

export interface BuiltInput {
  input: Record<string, unknown>;
  /** Which flag set which field path, to name the flag when validation fails. */
  fromFlags: Map<string, Assignment>;
}

/** Fields that take "the" input of a task, in order of preference. */
const primaryFields = ['inputs', 'prompt', 'text', 'messages'] as const;

/** Where parameters live: under `parameters` for HF-shaped tasks, at the root for OpenAI-shaped ones. */
export function parameterBases(task: TaskDefinition): string[][] {
  return objectShape(task.input)?.parameters ? [['parameters']] : [[]];
}

/** Turns one plain value (a string or source) into the task's input object. */
export async function fitPrimary(
  task: TaskDefinition,
  source: InputSource,
  context: { cwd: string; system?: string },
): Promise<Record<string, unknown>> {
  const shape = objectShape(task.input) ?? {};
  const field = primaryFields.find((name) => shape[name] !== undefined);
  if (!field) throw needsJson(task, 'has no single text or file input');
  if (field === 'messages') {
    const content = await sourceAsText(source);
    return {
      messages: [...(context.system ? [{ role: 'system', content: context.system }] : []), { role: 'user', content }],
    };
  }
  if (task.binaryInputs?.includes(field)) return { [field]: sourceAsBinary(source, field, context.cwd) };
  const kinds = kindsOf(shape[field] as z.ZodType);
  const text = await sourceAsText(source);
  if (kinds.has('string')) return { [field]: text };
  if (text.trim().startsWith('{')) return { [field]: parseJson(text, 'input') };
  throw needsJson(task, `takes an object as "${field}"`);
}

function needsJson(task: TaskDefinition, why: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_invalid_input',
    message: `Task "${task.id}" ${why}; pass --input-json '${JSON.stringify(task.example.input, binaryAsPlaceholder)}' or --input key=value`,
    details: { field: 'input', task: task.id },
  });
}

function binaryAsPlaceholder(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? '@file' : value;
}

export function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${flag}: not valid JSON (${(error as Error).message})`,
      details: { field: flag },
    });
  }
}

function asObject(value: unknown, flag: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${flag}: expected a JSON object`,
      details: { field: flag },
    });
  }
  return value as Record<string, unknown>;
}

/** Builds the input from every input flag the user gave; stdin is read when nothing else names the input. */
export async function buildTaskInput(
  task: TaskDefinition,
  flags: InputFlags,
  io: { cwd: string; stdin: NodeJS.ReadStream },
): Promise<BuiltInput> {
  let input: Record<string, unknown> = flags.inputJson
    ? asObject(parseJson(flags.inputJson, '--input-json'), '--input-json')
    : {};
  let positional = flags.positional;
  if (positional === undefined && !flags.inputJson && !flags.inputFields?.length && io.stdin.isTTY !== true)
    positional = '-';
  if (positional !== undefined) {
    const classified = classifySource(positional, io.cwd);
    const source: InputSource =
      classified === 'stdin' ? { kind: 'bytes', bytes: await readStdin(io.stdin), origin: 'stdin' } : classified;
    input = { ...input, ...(await fitPrimary(task, source, { cwd: io.cwd, system: flags.system })) };
  }
  if (!positional && !flags.inputJson && !flags.inputFields?.length) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `No input for task "${task.id}": give it as an argument, - for stdin, @file, a URL, or --input-json`,
      details: { field: 'input' },
    });
  }
  const bases = parameterBases(task);
  if (flags.paramsJson) {
    const params = asObject(parseJson(flags.paramsJson, '--params-json'), '--params-json');
    const base = bases[0] ?? [];
    if (base.length)
      input[base[0] as string] = { ...asObject(input[base[0] as string] ?? {}, '--params-json'), ...params };
    else input = { ...input, ...params };
  }
  const fromFlags = new Map<string, Assignment>();
  const fields = (flags.inputFields ?? []).map((text) => parseAssignment('--input', text));
  for (const [path, assignment] of applyAssignments(input, fields.map(stripFileMarker(task)), task.input, [
    [],
    ['inputs'],
  ]))
    fromFlags.set(path, assignment);
  const params = (flags.params ?? []).map((text) => parseAssignment('--param', text));
  for (const [path, assignment] of applyAssignments(input, params, task.input, bases)) fromFlags.set(path, assignment);
  return { input, fromFlags };
}

/** `--input inputs.image=@cat.png`: binary fields take a path; core reads the file. */
function stripFileMarker(task: TaskDefinition) {
  return (assignment: Assignment): Assignment => {
    const path =
      assignment.key.startsWith('inputs.') || assignment.key === 'inputs' ? assignment.key : `inputs.${assignment.key}`;
    const binary = task.binaryInputs?.some((field) => field === assignment.key || field === path);
    return binary && assignment.raw.startsWith('@') ? { ...assignment, raw: assignment.raw.slice(1) } : assignment;
  };
}

/**
 * Validates before any network call, naming the flag that set a bad field
 * (`--param top_k=abc: expected a whole number`).
 */
export function validateTaskInput(task: TaskDefinition, built: BuiltInput): void {
  const result = task.input.safeParse(built.input);
  if (result.success) return;
  const messages = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const flag = [...built.fromFlags.entries()].find(([field]) => path === field || path.startsWith(`${field}.`))?.[1];
    return flag
      ? `${flag.flag} ${flag.key}=${flag.raw}: ${issue.message}`
      : `input ${path || '(root)'}: ${issue.message}`;
  });
  throw new InfermuxError({
    code: 'caller_invalid_input',
    message: `Invalid input for task "${task.id}": ${messages.join('; ')}`,
    details: {
      task: task.id,
      issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    },
  });
}
