import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig([
  // The library entry and the `infermux-gateway` executable (`main`, also the README's `pnpm start`)
  // in one ESM build, so they share chunks instead of each carrying the whole gateway.
  // main.ts starts with its own `#!` line, which esbuild keeps.
  {
    ...libraryBuild,
    entry: { index: 'src/index.ts', main: 'src/main.ts' },
    dts: { entry: 'src/index.ts' },
    format: ['esm'],
    splitting: true,
    clean: false,
  },
  // CommonJS for `require('@infermux/server')`: the library entry only.
  { ...libraryBuild, format: ['cjs'], clean: false },
]);
