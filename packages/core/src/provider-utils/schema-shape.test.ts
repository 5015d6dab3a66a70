import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getTask } from '../tasks/task-registry';
import { arrayElement, kindsOf, objectShape, schemaAt, unwrapSchema } from './schema-shape';

const schema = z.object({
  inputs: z.union([z.string(), z.array(z.string())]),
  parameters: z
    .object({
      top_k: z.int().positive().optional(),
      labels: z.array(z.string()).default([]),
      mode: z.enum(['a', 'b']).nullable(),
      flag: z.literal(true).readonly(),
      image: z.custom<Uint8Array>((value) => value instanceof Uint8Array),
    })
    .optional(),
});

describe('schema shape through zod’s public API', () => {
  it('unwraps optional, nullable, default and pipes', () => {
    expect(unwrapSchema(z.string().optional().nullable())).toBeInstanceOf(z.ZodString);
    expect(unwrapSchema(z.string().default('x'))).toBeInstanceOf(z.ZodString);
    expect(unwrapSchema(z.string().pipe(z.string().min(1)))).toBeInstanceOf(z.ZodString);
  });

  it('reads the kinds a field takes', () => {
    const parameters = objectShape(schema.shape.parameters) ?? {};
    expect([...kindsOf(schema.shape.inputs)]).toEqual(['string', 'array']);
    expect([...kindsOf(parameters.top_k as z.ZodType)]).toEqual(['number']);
    expect([...kindsOf(parameters.mode as z.ZodType)]).toEqual(['null', 'string']);
    expect([...kindsOf(parameters.flag as z.ZodType)]).toEqual(['boolean']);
    expect([...kindsOf(parameters.image as z.ZodType)]).toEqual(['binary']);
    expect([...kindsOf(z.object({}))]).toEqual(['object']);
    expect([...kindsOf(z.any())]).toEqual(['any']);
  });

  it('follows paths and finds array elements', () => {
    expect(Object.keys(objectShape(schema) ?? {})).toEqual(['inputs', 'parameters']);
    expect(objectShape(z.string())).toBeUndefined();
    expect(schemaAt(schema, ['parameters', 'top_k'])).toBeDefined();
    expect(schemaAt(schema, ['parameters', 'nope'])).toBeUndefined();
    expect(schemaAt(schema, ['inputs', 'deeper'])).toBeUndefined();
    expect(arrayElement(schema.shape.inputs)).toBeInstanceOf(z.ZodString);
    expect(arrayElement(schemaAt(schema, ['parameters', 'labels']) as z.ZodType)).toBeInstanceOf(z.ZodString);
    expect(arrayElement(z.string())).toBeUndefined();
  });

  it('reads the task registry’s schemas (what the CLI and the gateway ask of them)', () => {
    const parameters = schemaAt(getTask('text-generation').input, ['parameters']);
    expect(Object.keys((parameters && objectShape(parameters)) ?? {})).toContain('max_new_tokens');
    expect(kindsOf(schemaAt(getTask('image-classification').input, ['inputs']) as z.ZodType).has('binary')).toBe(true);
  });
});
