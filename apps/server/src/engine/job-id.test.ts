import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { decodeJobId, encodeJobId } from './call-task';

const forged = (parts: unknown[]) => `job_${Buffer.from(JSON.stringify(parts)).toString('base64url')}`;

describe('gateway job ids', () => {
  it('round-trip', () => {
    expect(decodeJobId(encodeJobId('text-to-video', 'evolink', 'task-unified-123'))).toEqual({
      task: 'text-to-video',
      provider: 'evolink',
      jobId: 'task-unified-123',
    });
  });

  it.each([
    ['text-to-video', 'evolink', '..'],
    ['text-to-video', 'evolink', '../../v1/credits'],
    ['text-to-video', 'evolink', 'a/b'],
    ['text-to-video', 'evolink', '\ud800'],
    ['text-to-video', 'evolink', ''],
    ['__proto__', 'evolink', 'task-1'],
  ])('a forged id [%s, %s, %j] → 404 naming the id, never an upstream URL', (task, provider, jobId) => {
    let caught: unknown;
    try {
      decodeJobId(forged([task, provider, jobId]));
    } catch (error) {
      caught = error;
    }
    expect(InfermuxError.isInstance(caught)).toBe(true);
    expect((caught as InfermuxError).details?.field).toBe('id');
  });
});
