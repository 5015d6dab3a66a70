import { describe, expect, it } from 'vitest';
import { evolinkTaskSchema } from './evolink-task-schema';
import { taskToJobStatus } from './evolink-task-status';

const now = 1757165031_000 + 10_000;
const map = (body: unknown, jobTask: 'image-generation' | 'video-generation' = 'image-generation') =>
  taskToJobStatus(evolinkTaskSchema.parse(body), { jobTask, provider: 'evolink', now });

describe('taskToJobStatus', () => {
  it('maps the documented create response (seedream-4.0 docs, verbatim)', () => {
    expect(
      map({
        created: 1757165031,
        id: 'task-unified-1757165031-seedream4d',
        model: 'doubao-seedream-4.0',
        object: 'image.generation.task',
        progress: 0,
        status: 'pending',
        task_info: { can_cancel: true, estimated_time: 45 },
        type: 'image',
        usage: { billing_rule: 'per_call', credits_reserved: 1.8, user_group: 'default' },
      }),
    ).toMatchInlineSnapshot(`
      {
        "estimatedSecondsRemaining": 35,
        "jobId": "task-unified-1757165031-seedream4d",
        "model": {
          "id": "doubao-seedream-4.0",
        },
        "progress": 0,
        "requestId": undefined,
        "state": "queued",
        "task": "image-generation",
        "usage": {
          "creditsReserved": 1.8,
        },
      }
    `);
  });

  it('maps the documented completed task (get-task-detail docs, verbatim)', () => {
    expect(
      map({
        created: 1756817821,
        id: 'task-unified-1756817821-4x3rx6ny',
        model: 'gpt-4o-image',
        object: 'image.generation.task',
        progress: 100,
        results: ['http://example.com/image.jpg'],
        status: 'completed',
        task_info: { can_cancel: false },
        type: 'image',
      }),
    ).toMatchInlineSnapshot(`
      {
        "expiresAt": 1756904221000,
        "jobId": "task-unified-1756817821-4x3rx6ny",
        "model": {
          "id": "gpt-4o-image",
        },
        "output": {
          "expires_at": 1756904221,
          "images": [
            {
              "url": "http://example.com/image.jpg",
            },
          ],
        },
        "progress": 100,
        "requestId": undefined,
        "state": "succeeded",
        "task": "image-generation",
        "usage": {
          "images": 1,
        },
      }
    `);
  });

  it('maps a failed task (skill docs example) to provider_job_failed with the reason', () => {
    const status = map({
      id: 'task-unified-xxx',
      status: 'failed',
      error: { code: 'invalid_request', message: 'Explain what went wrong.' },
    });
    expect(status.state).toBe('failed');
    expect(status.error).toMatchObject({
      code: 'provider_job_failed',
      retryable: false,
      details: { reason: 'invalid_request', jobId: 'task-unified-xxx' },
    });
    expect(status.error?.message).toBe(
      'evolink job task-unified-xxx failed: invalid_request: Explain what went wrong.',
    );
  });

  it('takes video URLs from result_data when results is absent, and reads processing/cancelled', () => {
    const done = map(
      {
        id: 't',
        type: 'video',
        status: 'completed',
        result_data: [{ video_url: 'https://media.evolink.ai/v.mp4' }],
        task_info: { video_duration: 8 },
      },
      'video-generation',
    );
    expect(done.output).toMatchObject({ videos: [{ url: 'https://media.evolink.ai/v.mp4' }] });
    expect(done.usage).toEqual({ videoSeconds: 8 });
    expect(map({ id: 't', status: 'processing', progress: 42 }).state).toBe('running');
    expect(map({ id: 't', status: 'cancelled' }).state).toBe('canceled');
  });

  it('refuses an unknown status or a completed task without results', () => {
    expect(() => map({ id: 't', status: 'exploded' })).toThrow(/unknown status "exploded"/);
    expect(() => map({ id: 't', status: 'completed', results: [] })).toThrow(/without any result URL/);
  });
});
