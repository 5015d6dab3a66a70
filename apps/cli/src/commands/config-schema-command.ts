import { exitCodes } from '../exit-codes';
import type { CliContext } from '../runtime/cli-context';
import { configJsonSchema } from '../runtime/config-json-schema';

/** `infermux config schema`: the config file's JSON Schema on stdout (for editors and CI checks). */
export async function configSchemaCommand(context: CliContext): Promise<number> {
  context.terminal.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return exitCodes.ok;
}
