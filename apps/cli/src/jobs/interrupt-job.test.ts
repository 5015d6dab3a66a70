import { PassThrough } from 'node:stream';
import { ProviderRegistry, type ProviderV1 } from '@infermux/core';
import { describe, expect, it, vi } from 'vitest';
import { exitCodes } from '../exit-codes';
import type { Terminal } from '../runtime/terminal';
import { interruptJob } from './interrupt-job';
import type { JobReference } from './job-reference';

const reference: JobReference = { provider: 'jobs', task: 'video-generation', jobId: 'job-1' };
const id = 'jobs:video-generation:job-1';

function fakeTerminal(canAsk: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { stdout: '', stderr: '' };
  stdout.on('data', (chunk: Buffer) => (text.stdout += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text.stderr += chunk.toString()));
  const plain = new Proxy({}, { get: () => (value: string) => value });
  const terminal = { out: plain, err: plain, interactive: canAsk, canAsk, stdout, stderr } as unknown as Terminal;
  return { terminal, text };
}

function fakeClient(cancelable: boolean) {
  const provider: ProviderV1 = {
    specificationVersion: 'v1',
    name: 'jobs',
    tasks: { 'video-generation': { async: true, ...(cancelable ? { cancelable: true } : {}) } },
  };
  const cancelJob = vi.fn(async () => ({
    provider: 'jobs',
    jobId: 'job-1',
    task: 'video-generation',
    state: 'canceled',
  }));
  return { providers: new ProviderRegistry([provider]), cancelJob: cancelJob as never, calls: cancelJob };
}

describe('interruptJob (Ctrl-C while waiting on a job)', () => {
  it('never asks to cancel on a provider that cannot, even on a TTY; exits 130', async () => {
    const { terminal, text } = fakeTerminal(true);
    const client = fakeClient(false);
    const ask = vi.fn(async () => 'cancel' as const);
    expect(await interruptJob(client, reference, { terminal, ask })).toBe(exitCodes.interrupted);
    expect(ask).not.toHaveBeenCalled();
    expect(client.calls).not.toHaveBeenCalled();
    expect(text.stderr).toContain('jobs cannot cancel video-generation jobs: it keeps running upstream.');
    expect(text.stderr).toContain(`Left job running: ${id}\nPick it up with: infermux job wait ${id}`);
    expect(text.stderr).not.toMatch(/AbortSignal|--provider|error:/);
  });

  it('asks where the provider can cancel, and cancels on yes', async () => {
    const { terminal, text } = fakeTerminal(true);
    const client = fakeClient(true);
    const ask = vi.fn(async () => 'cancel' as const);
    expect(await interruptJob(client, reference, { terminal, ask })).toBe(exitCodes.interrupted);
    expect(ask).toHaveBeenCalledOnce();
    expect(client.calls).toHaveBeenCalledWith('video-generation', { provider: 'jobs', jobId: 'job-1' });
    expect(text.stderr).toBe(`Canceled job ${id}\n`);
  });

  it('a failed cancel is reported, the job said to be running, and the exit code stays 130', async () => {
    const { terminal, text } = fakeTerminal(true);
    const client = fakeClient(true);
    client.calls.mockRejectedValueOnce(new Error('socket hang up'));
    const exit = await interruptJob(client, reference, { terminal, ask: async () => 'cancel' });
    expect(exit).toBe(exitCodes.interrupted);
    expect(text.stderr).toMatch(/^error: socket hang up\n/);
    expect(text.stderr).toContain(`Left job running: ${id}`);
  });

  it('not a TTY: leaves the job running and prints its id on stdout when asked to', async () => {
    const { terminal, text } = fakeTerminal(false);
    const exit = await interruptJob(fakeClient(true), reference, { terminal, printId: true });
    expect(exit).toBe(exitCodes.interrupted);
    expect(text.stdout).toBe(`${id}\n`);
    expect(text.stderr).not.toContain('cannot cancel');
  });
});
