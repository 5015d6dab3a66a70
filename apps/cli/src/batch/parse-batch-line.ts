import type { TaskDefinition } from '@infermux/core';
import { InfermuxError } from '@infermux/core';
import { fitPrimary } from '../input/build-task-input';
import { classifySource } from '../input/read-source';
import type { Line } from './read-lines';

/** What every line of a batch shares: the task and the `--param` values applied to each. */
export interface LineDefaults {
  task: TaskDefinition;
  /** Parameters applied to every line (a line's own values win). */
  parameters: Record<string, unknown>;
  parameterBase: readonly string[];
  /** Where `@path` inputs resolve. */
  cwd: string;
}

export interface ParsedLine {
  id: string | number;
  input: Record<string, unknown>;
}

export async function parseBatchLine(line: Line, defaults: LineDefaults): Promise<ParsedLine> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number} is not valid JSON (${(error as Error).message})`,
      details: { line: line.number },
    });
  }
  if (typeof value === 'string') {
    // A string line is an input like a positional one: text, `@path` or a URL ("-" is just text here).
    const classified = classifySource(value, defaults.cwd);
    const source = classified === 'stdin' ? { kind: 'text' as const, text: value } : classified;
    return {
      id: line.number,
      input: mergeParameters(await fitPrimary(defaults.task, source, { cwd: defaults.cwd }), defaults),
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number}: expected a JSON object (the task input, with an optional "id") or a string`,
      details: { line: line.number },
    });
  }
  const { id, ...input } = value as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number}: "id" must be a string or a number`,
      details: { line: line.number },
    });
  }
  return { id: id ?? line.number, input: mergeParameters(input, defaults) };
}

function mergeParameters(input: Record<string, unknown>, defaults: LineDefaults): Record<string, unknown> {
  if (Object.keys(defaults.parameters).length === 0) return input;
  const [base] = defaults.parameterBase;
  if (!base) return { ...defaults.parameters, ...input };
  return { ...input, [base]: { ...defaults.parameters, ...(input[base] as Record<string, unknown> | undefined) } };
}

/** The id a line is known by, before it is fully parsed (for skipping and error records). */
export function peekId(line: Line): string | number {
  const match = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/.exec(line.text);
  if (match) return JSON.parse(match[1] as string);
  if (!line.text.includes('"id"')) return line.number;
  try {
    const parsed = JSON.parse(line.text) as { id?: unknown };
    const id = parsed && typeof parsed === 'object' ? parsed.id : undefined;
    return typeof id === 'string' || typeof id === 'number' ? id : line.number;
  } catch {
    return line.number;
  }
}
