import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', internal: 'src/internal.ts' },
  splitting: true,
});
