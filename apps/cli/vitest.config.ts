import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// The tests run the built `infermux` binary as a child process: build it first when stale.
export default mergeConfig(shared, defineConfig({ test: { globalSetup: ['./src/test-support/build-once.ts'] } }));
