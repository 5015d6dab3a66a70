import { createRequire } from 'node:module';
import { InfermuxError } from '@infermux/core';

/** The npm package that `serve`, `keys` and `usage` need: an optional peer, so `run` users skip SQLite. */
export const gatewayPackage = '@infermux/server';

/**
 * Loads the gateway for `serve`, `keys` and `usage` only: it pulls in SQLite (a native module),
 * pino and an HTTP server. It is an optional peer dependency, so a missing install is an
 * expected state with its own code and one line of advice, not a stack trace. (The packed-install
 * test runs this against a real install without the gateway.)
 */
export async function loadGateway(
  resolve: (specifier: string) => string = createRequire(import.meta.url).resolve,
): Promise<typeof import('@infermux/server')> {
  try {
    resolve(`${gatewayPackage}/package.json`);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    throw new InfermuxError({
      code: 'gateway_dependency_missing',
      message: `This command needs the gateway, which is not installed: install ${gatewayPackage} where @infermux/cli is (\`npm install -g ${gatewayPackage}\` for a global CLI).`,
      details: { dependency: gatewayPackage },
      cause: error,
    });
  }
  return import('@infermux/server');
}
