import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig([
  // The library entry (`main`, for tests and embedding).
  { ...libraryBuild, clean: false },
  // The `infermux` executable: ESM with code splitting, so each command (and every adapter)
  // is its own chunk loaded on first use and `infermux --help` stays fast.
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    splitting: true,
    sourcemap: true,
    clean: false,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
