import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their sources (the "@infermux/source"
// export condition), so a change in core is seen by every package without a rebuild.
export default defineConfig({
  resolve: { conditions: ['@infermux/source'] },
  ssr: { resolve: { conditions: ['@infermux/source'] } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
