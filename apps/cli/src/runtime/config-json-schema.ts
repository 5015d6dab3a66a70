import { configSchema } from '@infermux/core';
import { z } from 'zod';

/** The file name `infermux init` writes the schema to, and the example config points at. */
export const configSchemaFileName = 'infermux.config.schema.json';

/**
 * The config file's JSON Schema, generated from the zod schema every loader validates with, so
 * editors check what the CLI and the gateway will accept. `input`: what a file may say, defaults
 * left out; settings zod cannot express in JSON Schema are left open.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    title: 'infermux configuration',
  };
}
