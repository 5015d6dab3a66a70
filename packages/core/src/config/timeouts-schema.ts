import { z } from 'zod';

const timeoutMs = z
  .int({ error: 'expected a timeout in ms (a whole number)' })
  .positive({ error: 'expected a timeout in ms greater than 0' });

/** Per-phase timeouts as config files and routes write them (see transport/timeouts). */
export const timeoutsSchema = z.strictObject({
  connectMs: timeoutMs.optional(),
  firstByteMs: timeoutMs.optional(),
  idleMs: timeoutMs.optional(),
  totalMs: timeoutMs.optional(),
  /** Streams: time to the first content, before which the attempt fails over unseen. */
  firstTokenMs: timeoutMs.optional(),
});
