import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InfermuxError } from '@infermux/core';
import { exitCodes } from '../exit-codes';
import { exampleConfig } from '../init/example-config';
import type { CliContext } from '../runtime/cli-context';
import { configJsonSchema, configSchemaFileName } from '../runtime/config-json-schema';

/** `infermux init [dir]`: writes a commented example config and its JSON Schema; never overwrites without --force. */
export async function initCommand(
  context: CliContext,
  dir: string | undefined,
  flags: { force?: boolean },
): Promise<number> {
  const target = resolve(dir ?? '.');
  const files = [
    { path: join(target, 'infermux.config.yaml'), text: exampleConfig },
    { path: join(target, configSchemaFileName), text: `${JSON.stringify(configJsonSchema(), null, 2)}\n` },
  ];
  const existing = files.find((file) => existsSync(file.path));
  if (existing && !flags.force) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `${existing.path} already exists; pass --force to overwrite it`,
      details: { field: 'dir', path: existing.path },
    });
  }
  for (const file of files) writeFileSync(file.path, file.text);
  context.terminal.stdout.write(`wrote ${files.map((file) => file.path).join(' and ')}\n`);
  return exitCodes.ok;
}
