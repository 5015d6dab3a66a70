import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Test code (this folder included) is not part of the binary: editing it must not trigger a rebuild.
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support') newest = Math.max(newest, newestSource(path));
    } else if (!entry.name.includes('.test')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/bin.js when it is missing or older than any source file. */
export default function setup(): void {
  const bin = join(root, 'dist/bin.js');
  const built = existsSync(bin) ? statSync(bin).mtimeMs : 0;
  if (built >= Math.max(newestSource(join(root, 'src')), statSync(join(root, 'tsup.config.ts')).mtimeMs)) return;
  // The build script, not bare tsup: it empties dist/ first, so no stale chunk lingers.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
