import { z } from 'zod';

// Reads task schemas through zod 4's public classes (`instanceof` holds across copies of zod: its classes
// check the schema's traits), so apps can type `key=value` flags and list fields without zod internals.

/** The JSON kinds a schema accepts, enough to type a `key=value` flag. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null' | 'binary' | 'any';

const MAX_DEPTH = 16;

/** The schema a wrapper holds (optional, nullable, default, prefault, readonly, non-optional, a pipe's input). */
function innerOf(schema: z.ZodType): z.ZodType | undefined {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodNonOptional
  ) {
    return schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  return undefined;
}

/** Strips optional / nullable / default / pipe wrappers. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const inner = innerOf(current);
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

/** Every JSON kind a schema accepts (through wrappers and unions). */
export function kindsOf(schema: z.ZodType): Set<ValueKind> {
  const kinds = new Set<ValueKind>();
  const visit = (node: z.ZodType, depth: number): void => {
    if (depth > MAX_DEPTH / 2) {
      kinds.add('any');
      return;
    }
    const inner = innerOf(node);
    if (inner !== undefined) {
      if (node instanceof z.ZodNullable) kinds.add('null');
      visit(inner, depth + 1);
      return;
    }
    if (node instanceof z.ZodUnion) {
      for (const option of node.options as readonly z.ZodType[]) visit(option, depth + 1);
      return;
    }
    if (node instanceof z.ZodLiteral) {
      for (const value of node.values) kinds.add(kindOfLiteral(value));
      return;
    }
    kinds.add(kindsByType[node.type] ?? 'any');
  };
  visit(schema, 0);
  return kinds;
}

const kindsByType: Partial<Record<z.ZodType['type'], ValueKind>> = {
  string: 'string',
  enum: 'string',
  number: 'number',
  bigint: 'number',
  boolean: 'boolean',
  array: 'array',
  tuple: 'array',
  object: 'object',
  record: 'object',
  null: 'null',
  // `z.custom` / `z.instanceof`: the binary inputs (bytes, Blob, URL) of the task schemas.
  custom: 'binary',
};

function kindOfLiteral(value: unknown): ValueKind {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}

/** The fields of an object schema (after unwrapping), or undefined when it is not an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const node = unwrapSchema(schema);
  return node instanceof z.ZodObject ? (node.shape as Record<string, z.ZodType>) : undefined;
}

/** The element schema of an array schema (after unwrapping), or of the first array in a union. */
export function arrayElement(schema: z.ZodType): z.ZodType | undefined {
  const node = unwrapSchema(schema);
  if (node instanceof z.ZodArray) return node.element as z.ZodType;
  if (node instanceof z.ZodUnion) {
    for (const option of node.options as readonly z.ZodType[]) {
      const inner = unwrapSchema(option);
      if (inner instanceof z.ZodArray) return inner.element as z.ZodType;
    }
  }
  return undefined;
}

/** Follows a dotted path (`parameters.top_k`) through object schemas. */
export function schemaAt(schema: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    current = current === undefined ? undefined : objectShape(current)?.[key];
    if (current === undefined) return undefined;
  }
  return current;
}
