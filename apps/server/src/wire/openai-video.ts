import type { JobStatus } from '@infermux/core';

const statusNames = {
  queued: 'queued',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'failed',
} as const;

export interface VideoRequestEcho {
  model: string;
  prompt: string;
  size?: string;
  seconds?: string;
  createdAt: number;
}

/** The 13-field OpenAI video object (all required; `null` rather than missing). */
export function videoObject(id: string, status: JobStatus, echo: Partial<VideoRequestEcho>): Record<string, unknown> {
  const state = statusNames[status.state];
  return {
    id,
    object: 'video',
    model: echo.model ?? status.model?.id ?? null,
    status: state,
    progress: status.progress ?? (state === 'completed' ? 100 : 0),
    created_at: echo.createdAt ?? Math.floor(Date.now() / 1000),
    completed_at: state === 'completed' ? Math.floor(Date.now() / 1000) : null,
    expires_at: status.expiresAt !== undefined ? Math.floor(status.expiresAt / 1000) : null,
    prompt: echo.prompt ?? null,
    size: echo.size ?? null,
    seconds: echo.seconds ?? null,
    remixed_from_video_id: null,
    error:
      status.state === 'failed' || status.state === 'canceled'
        ? {
            code: status.error?.code ?? status.state,
            message: status.error?.message ?? `The job ended ${status.state}.`,
          }
        : null,
  };
}
