import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', 'provider-utils': 'src/provider-utils/index.ts' },
  // Shared chunks in CJS too: one copy of the secret registry and the error class for both entries.
  splitting: true,
});
