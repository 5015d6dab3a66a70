import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig([
  // One ESM build for the library entry and the `infermux` executable, with code splitting: each
  // command (and every adapter) is a chunk loaded on first use, so `infermux --help` stays fast, and
  // both entries share those chunks (two ESM builds would ship every chunk twice). bin.ts starts
  // with its own `#!` line, which esbuild keeps. `clean` is off: the two builds run at once, and the
  // build script empties dist/ before them.
  {
    ...libraryBuild,
    entry: ['src/index.ts', 'src/bin.ts'],
    dts: { entry: 'src/index.ts' },
    format: ['esm'],
    splitting: true,
    clean: false,
  },
  // CommonJS for `require('@infermux/cli')`: the library entry only.
  { ...libraryBuild, format: ['cjs'], clean: false, shims: true },
]);
