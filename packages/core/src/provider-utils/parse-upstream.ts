import type { z } from 'zod';
import { InfermuxError } from '../errors/infermux-error';
import { formatPath } from '../errors/validation-error';
import { truncate } from '../transport/transport-error';

/** Who answered, for the error: the provider, and the task and request id when known. */
export interface UpstreamContext {
  provider: string;
  task?: string;
  requestId?: string;
}

/**
 * Validates an upstream body with a tolerant schema. A mismatch is `provider_bad_response` naming the
 * fields and what was `expected`, with the raw body (redacted, cut) and the issues in its details.
 */
export function parseUpstream<S extends z.ZodType>(
  schema: S,
  body: unknown,
  context: UpstreamContext,
  expected: string,
): z.output<S> {
  // The happy path parses once and builds nothing else: the raw body (serialised and redacted,
  // which costs more than the parse on a small chunk) is only needed for the error.
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data as z.output<S>;
  const issues = parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  const summary = issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
  throw unexpectedBody(`expected ${expected} (${summary})`, body, context, { issues });
}

/** A 2xx body that is not what was asked for: `provider_bad_response` saying `what`, with the raw body (redacted, cut). */
export function unexpectedBody(
  what: string,
  body: unknown,
  context: UpstreamContext,
  details?: Record<string, unknown>,
): InfermuxError {
  const { provider, task } = context;
  return new InfermuxError({
    code: 'provider_bad_response',
    message: `${provider} answered${task ? ` ${task}` : ''} with an unexpected body: ${what}`,
    provider: context.provider,
    requestId: context.requestId,
    details: { ...(context.task ? { task: context.task } : {}), rawBody: rawBodyOf(body), ...details },
  });
}

/** A body for an error's details: text as it came, bytes by their size, anything else as JSON. */
function rawBodyOf(body: unknown): string {
  if (typeof body === 'string') return truncate(body);
  if (body instanceof Uint8Array) return `<${body.byteLength} bytes>`;
  try {
    return truncate(JSON.stringify(body) ?? String(body));
  } catch {
    return truncate(String(body));
  }
}
