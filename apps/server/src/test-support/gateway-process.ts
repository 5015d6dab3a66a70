import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const serverRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = join(serverRoot, 'node_modules', '.cache', 'infermux-test');
let built: Promise<string> | undefined;

/**
 * Bundles `src/main.ts` (workspace packages from source, like the tests) so a real child
 * process can run exactly what `pnpm start` runs — and be killed or sent SIGTERM.
 */
export function buildMain(): Promise<string> {
  built ??= (async () => {
    mkdirSync(outDir, { recursive: true });
    await build({
      entry: { main: join(serverRoot, 'src', 'main.ts') },
      outDir,
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      noExternal: [/^@infermux\//],
      silent: true,
      config: false,
      dts: false,
      sourcemap: false,
      esbuildOptions(options) {
        options.conditions = ['@infermux/source', 'node', 'import'];
      },
    });
    return join(outDir, 'main.js');
  })();
  return built;
}

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the built gateway in a child process and resolves with its URL once it logs that it listens. */
export async function spawnGateway(options: {
  cwd: string;
  configPath: string;
  env?: Record<string, string>;
}): Promise<GatewayProcess> {
  const main = await buildMain();
  const child = spawn(process.execPath, [main], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', INFERMUX_CONFIG: options.configPath, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in time:\n${output}`)), 15_000);
    const check = () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gateway exited before listening:\n${output}`));
    });
  });
  return { child, url, output: () => output, exited };
}
