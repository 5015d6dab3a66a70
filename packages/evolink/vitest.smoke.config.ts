import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// `pnpm smoke:live`: the real EvoLink API, only when EVOLINK_API_KEY is set. Not part of `pnpm test`
// (its files are `*.smoke.ts`, which the default config does not pick up).
export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['smoke/**/*.smoke.ts'], testTimeout: 15 * 60_000, hookTimeout: 60_000 } }),
);
