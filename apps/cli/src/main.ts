import { CommanderError } from 'commander';
import { exitCodes } from './exit-codes';
import { createProgram } from './program';
import { CliContext, type GlobalOptions } from './runtime/cli-context';

/**
 * Runs the CLI and resolves with the process exit code (it never calls `process.exit`
 * itself, so tests and embedders can run it in-process).
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  let exitCode: number = exitCodes.ok;
  let context: CliContext | undefined;
  const program = createProgram(async (command, handler) => {
    context = new CliContext(command.optsWithGlobals() as GlobalOptions);
    exitCode = await handler(context);
  });
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other parse failure is a usage error (commander printed it).
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const { reportError } = await import('./runtime/report-error');
    const reporter = context ?? new CliContext(program.opts() as GlobalOptions);
    return reportError(error, reporter.terminal, { verbose: reporter.options.verbose });
  }
}
