import { InfermuxError } from '@infermux/core';

/**
 * One line of advice when better-sqlite3's compiled module cannot be loaded: npm ≥ 11 and pnpm 10
 * skip dependency install scripts unless approved, and a module built for another Node.js fails to
 * open. Recognised by structure, not by message: `bindings` attaches the paths it tried
 * (`tries`), and Node.js reports a wrong or broken binary as ERR_DLOPEN_FAILED.
 */
export function nativeModuleError(error: unknown): InfermuxError | undefined {
  const facts = error as { tries?: unknown; code?: unknown } | null;
  if (facts === null || typeof facts !== 'object') return undefined;
  if (!Array.isArray(facts.tries) && facts.code !== 'ERR_DLOPEN_FAILED') return undefined;
  return new InfermuxError({
    code: 'gateway_dependency_missing',
    message:
      `The gateway's SQLite module (better-sqlite3) is not built for Node.js ${process.versions.node}: ` +
      'run `pnpm approve-builds` (pnpm), `npm install-scripts approve better-sqlite3 && npm rebuild better-sqlite3` ' +
      '(npm), or reinstall globally with `npm install -g --allow-scripts=better-sqlite3 @infermux/server`.',
    details: { dependency: 'better-sqlite3' },
    cause: error,
  });
}
