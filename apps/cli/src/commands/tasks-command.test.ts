import { taskIds } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli } from '../test-support/cli-harness';

describe('infermux tasks', () => {
  it('lists every task with its summary', async () => {
    const run = await runCli(['tasks']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(taskIds.length);
    expect(run.stdout).toMatch(/^text-classification\s+Label a text/m);
    expect(run.stdout).toMatch(/^video-generation .*\[async job\]/m);
  });

  it('shows one task’s schemas and example; --json is machine-readable', async () => {
    const run = await runCli(['tasks', 'text-classification']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Input schema/);
    expect(run.stdout).toMatch(/top_k/);
    const json = JSON.parse((await runCli(['tasks', 'image-classification', '--json'])).stdout);
    expect(json.input.properties.inputs.description).toMatch(/@path/);
    expect(json.example.input.inputs).toMatch(/^https:/);
  });

  it('an unknown task exits 2', async () => {
    const run = await runCli(['tasks', 'summarisation']);
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/did you mean "summarization"/);
  });
});
