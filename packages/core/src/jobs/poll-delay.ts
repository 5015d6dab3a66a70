import type { JobStatus } from '../provider/provider';

export interface PollTiming {
  /** First wait between polls (ms). */
  intervalMs: number;
  /** Longest wait between polls (ms). */
  maxIntervalMs: number;
  /** Multiplier applied to the wait after each poll. */
  backoff: number;
}

export const defaultPollTiming: PollTiming = { intervalMs: 2_000, maxIntervalMs: 15_000, backoff: 1.5 };

/**
 * How long to wait before the next poll. The interval grows by `backoff` up to `maxIntervalMs`;
 * when the upstream says a lot of work remains (a video: minutes), polls are spaced to about a
 * third of that estimate (still capped), so a long job is not polled every two seconds, while a
 * job near or past its estimate falls back to the plain interval.
 */
export function nextPollDelay(
  interval: number,
  status: Pick<JobStatus, 'estimatedSecondsRemaining'> | undefined,
  timing: PollTiming,
): number {
  const remainingMs = (status?.estimatedSecondsRemaining ?? 0) * 1000;
  const fromEstimate = Math.min(timing.maxIntervalMs, remainingMs / 3);
  return Math.round(Math.max(Math.min(interval, timing.maxIntervalMs), fromEstimate));
}

export function grow(interval: number, timing: PollTiming): number {
  return Math.min(timing.maxIntervalMs, interval * timing.backoff);
}
