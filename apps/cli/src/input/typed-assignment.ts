import { InfermuxError } from '@infermux/core';
import { arrayElement, kindsOf, objectShape, schemaAt } from '@infermux/core/provider-utils';
import type { z } from 'zod';

/** One `--param key=value` (or `--input key=value`) as typed. */
export interface Assignment {
  /** The flag, for error messages: `--param`. */
  flag: string;
  /** Dotted key as the user wrote it. */
  key: string;
  raw: string;
}

export function parseAssignment(flag: string, text: string): Assignment {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${flag} "${text}": expected key=value (e.g. ${flag} top_k=3)`,
      details: { field: flag },
    });
  }
  return { flag, key: text.slice(0, equals).trim(), raw: text.slice(equals + 1) };
}

const numberPattern = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function bad(assignment: Assignment, expected: string): InfermuxError {
  return new InfermuxError({
    code: 'caller_invalid_input',
    message: `${assignment.flag} ${assignment.key}=${assignment.raw}: expected ${expected}`,
    details: { field: `${assignment.flag} ${assignment.key}`, value: assignment.raw },
  });
}

/**
 * Types a string from the command line by what the schema expects there: numbers,
 * booleans, JSON (or comma-separated) lists, JSON objects; strings stay strings.
 */
export function coerceValue(assignment: Assignment, schema: z.ZodType): unknown {
  const raw = assignment.raw;
  const kinds = kindsOf(schema);
  const trimmed = raw.trim();
  if (kinds.has('any')) return tryJson(trimmed) ?? raw;
  if (kinds.has('null') && trimmed === 'null') return null;
  if (kinds.has('number') && numberPattern.test(trimmed)) return Number(trimmed);
  if (kinds.has('boolean') && /^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (kinds.has('array')) {
    if (trimmed.startsWith('[')) {
      const parsed = tryJson(trimmed);
      if (Array.isArray(parsed)) return parsed;
      throw bad(assignment, 'a JSON list, e.g. ["a","b"]');
    }
    if (!kinds.has('string')) {
      const element = arrayElement(schema);
      const items = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
      return element ? items.map((item) => coerceValue({ ...assignment, raw: item }, element)) : items;
    }
  }
  if (kinds.has('object') && trimmed.startsWith('{')) {
    const parsed = tryJson(trimmed);
    if (parsed !== undefined && typeof parsed === 'object') return parsed;
    throw bad(assignment, 'a JSON object');
  }
  if (kinds.has('string') || kinds.has('binary')) return raw;
  throw bad(assignment, describe(kinds));
}

function describe(kinds: Set<string>): string {
  const words = [...kinds]
    .filter((kind) => kind !== 'null')
    .map(
      (kind) =>
        ({ number: 'a number', boolean: 'true or false', array: 'a list (a,b or JSON)', object: 'a JSON object' })[
          kind
        ] ?? kind,
    );
  return words.join(' or ');
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sets a dotted path in a plain object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let holder = target;
  for (const key of path.slice(0, -1)) {
    const next = holder[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) holder[key] = {};
    holder = holder[key] as Record<string, unknown>;
  }
  holder[path[path.length - 1] as string] = value;
}

/**
 * Applies assignments under `base` (e.g. `parameters`) of the task's input schema.
 * An unknown key is an error that lists the known ones.
 */
export function applyAssignments(
  target: Record<string, unknown>,
  assignments: readonly Assignment[],
  inputSchema: z.ZodType,
  bases: ReadonlyArray<readonly string[]>,
): Map<string, Assignment> {
  const applied = new Map<string, Assignment>();
  for (const assignment of assignments) {
    const keyPath = assignment.key.split('.').filter(Boolean);
    const base = bases.find((candidate) => schemaAt(inputSchema, [...candidate, ...keyPath]) !== undefined);
    if (!base) {
      const known = knownKeys(inputSchema, bases[0] ?? []);
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `${assignment.flag} ${assignment.key}: unknown parameter for this task${known.length ? `; known: ${known.join(', ')}` : ''}`,
        details: { field: `${assignment.flag} ${assignment.key}` },
      });
    }
    const fieldPath = [...base, ...keyPath];
    setPath(target, fieldPath, coerceValue(assignment, schemaAt(inputSchema, fieldPath) as z.ZodType));
    applied.set(fieldPath.join('.'), assignment);
  }
  return applied;
}

export function knownKeys(schema: z.ZodType, base: readonly string[]): string[] {
  const node = base.length ? schemaAt(schema, base) : schema;
  return Object.keys((node && objectShape(node)) ?? {});
}
