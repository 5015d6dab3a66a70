import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/cli-harness';

describe('infermux --help', () => {
  it('lists every command and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['run', 'job', 'batch', 'tasks', 'config', 'doctor', 'serve', 'keys', 'usage'])
      expect(run.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
  });
});
