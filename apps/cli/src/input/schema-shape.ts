import type { z } from 'zod';

/** The JSON kinds a schema accepts, enough to type a `key=value` flag. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null' | 'binary' | 'any';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  shape?: Record<string, z.ZodType>;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips optional / nullable / default / pipe wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let depth = 0; depth < 16; depth++) {
    const def = defOf(current);
    if (
      (def.type === 'optional' ||
        def.type === 'nullable' ||
        def.type === 'default' ||
        def.type === 'prefault' ||
        def.type === 'readonly' ||
        def.type === 'nonoptional') &&
      def.innerType
    ) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
  return current;
}

export function kindsOf(schema: z.ZodType): Set<ValueKind> {
  const kinds = new Set<ValueKind>();
  const visit = (node: z.ZodType, depth: number): unknown => {
    if (depth > 8) return kinds.add('any');
    const def = defOf(node);
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'nonoptional':
        return def.innerType && visit(def.innerType, depth + 1);
      case 'nullable':
        kinds.add('null');
        return def.innerType && visit(def.innerType, depth + 1);
      case 'pipe':
        return def.in && visit(def.in, depth + 1);
      case 'union':
        for (const option of def.options ?? []) visit(option, depth + 1);
        return;
      case 'string':
      case 'enum':
        return kinds.add('string');
      case 'literal':
        for (const value of def.values ?? [])
          kinds.add(typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string');
        return;
      case 'number':
      case 'int':
      case 'bigint':
        return kinds.add('number');
      case 'boolean':
        return kinds.add('boolean');
      case 'array':
      case 'tuple':
        return kinds.add('array');
      case 'object':
      case 'record':
        return kinds.add('object');
      case 'null':
        return kinds.add('null');
      case 'custom':
      case 'instanceof':
        return kinds.add('binary');
      default:
        return kinds.add('any');
    }
  };
  visit(schema, 0);
  return kinds;
}

/** The fields of an object schema (after unwrapping), or undefined when it is not an object. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? def.shape : undefined;
}

/** The element schema of an array schema (after unwrapping). */
export function arrayElement(schema: z.ZodType): z.ZodType | undefined {
  const node = unwrap(schema);
  const def = defOf(node);
  if (def.type === 'array') return def.element;
  if (def.type === 'union')
    for (const option of def.options ?? [])
      if (defOf(unwrap(option)).type === 'array') return defOf(unwrap(option)).element;
  return undefined;
}

/** Follows a dotted path (`parameters.top_k`) through object schemas. */
export function schemaAt(schema: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const key of path) {
    const shape: Record<string, z.ZodType> | undefined = current ? objectShape(current) : undefined;
    current = shape?.[key];
    if (!current) return undefined;
  }
  return current;
}
