// Counts each package's public exports (values and types) from its src entry points, via the TS checker.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = process.argv[2] ?? new URL('..', import.meta.url).pathname;
const dirs = [
  'packages/core',
  'packages/hf',
  'packages/openai-compatible',
  'packages/evolink',
  'apps/cli',
  'apps/server',
];
for (const dir of dirs) {
  const manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const entries = [];
  for (const [key, value] of Object.entries(manifest.exports ?? {})) {
    if (key === './package.json') continue;
    const src = typeof value === 'object' && value['@infermux/source'];
    entries.push([key, src ? join(root, dir, src) : join(root, dir, 'src/index.ts')]);
  }
  if (entries.length === 0 && existsSync(join(root, dir, 'src/index.ts')))
    entries.push(['.', join(root, dir, 'src/index.ts')]);
  const program = ts.createProgram(
    entries.map(([, f]) => f),
    {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      target: ts.ScriptTarget.ES2022,
      customConditions: ['@infermux/source'],
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const parts = entries.map(([key, file]) => {
    const sf = program.getSourceFile(file);
    const sym = sf && checker.getSymbolAtLocation(sf);
    return `${key}=${sym ? checker.getExportsOfModule(sym).length : 0}`;
  });
  console.log(manifest.name, parts.join(' '));
}
