import { z } from 'zod';

/** Field names of an object schema (through optional/nullable wrappers); [] for anything else. */
export function objectKeys(schema: z.ZodType | undefined): string[] {
  let current: unknown = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault)
    current = current.unwrap();
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** The schema of one field of an object schema. */
export function fieldSchema(schema: z.ZodType, field: string): z.ZodType | undefined {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, z.ZodType>)[field] : undefined;
}
