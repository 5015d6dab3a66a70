import { errors as undiciErrors } from 'undici';
import { InfermuxError } from '../errors/infermux-error';
import { redactSecrets } from '../errors/secret-redaction';
import type { Timeouts } from './timeouts';

/** A time limit of ours that ended the request (the connect limit is undici's own). */
export type TimedOutPhase = 'first-byte' | 'idle' | 'total' | 'deadline';

export interface TransportErrorContext {
  provider: string | undefined;
  timeouts: Timeouts;
  timedOut: TimedOutPhase | undefined;
  callerAborted: boolean;
  url: string;
}

export function abortedError(provider: string | undefined, reason: unknown): InfermuxError {
  return new InfermuxError({
    code: 'caller_aborted',
    message: 'The request was aborted by the caller',
    provider,
    cause: reason,
  });
}

/** Our own process ran out of something: not the upstream's fault (see `gateway_overloaded`). */
const localResourceCodes = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS']);

const phaseLimit = { 'first-byte': 'firstByteMs', idle: 'idleMs', total: 'totalMs', connect: 'connectMs' } as const;

/** What went wrong on the wire, as an InfermuxError: caller abort, which timeout, or a network failure. */
export function translateTransportError(error: unknown, context: TransportErrorContext): InfermuxError {
  if (InfermuxError.isInstance(error)) return error;
  const { provider, timeouts } = context;
  if (context.callerAborted) return abortedError(provider, error);
  const host = safeHost(context.url);
  const timeout = (phase: Exclude<TimedOutPhase, 'deadline'> | 'connect') => {
    const ms = timeouts[phaseLimit[phase]];
    return new InfermuxError({
      code: 'provider_timeout',
      message: `${provider ?? 'Upstream'} timed out (${phase} timeout of ${ms} ms) calling ${host}`,
      provider,
      details: { phase, timeoutMs: ms },
      cause: error,
    });
  };
  if (context.timedOut === 'deadline') {
    // The router names this for what it is (gateway_timeout, with the route's deadline).
    return new InfermuxError({
      code: 'provider_timeout',
      message: `${provider ?? 'Upstream'} was cut at the route's deadline calling ${host}`,
      provider,
      details: { phase: 'deadline' },
      cause: error,
    });
  }
  if (context.timedOut) return timeout(context.timedOut);
  if (error instanceof undiciErrors.ConnectTimeoutError) return timeout('connect');
  if (error instanceof undiciErrors.HeadersTimeoutError) return timeout('first-byte');
  if (error instanceof undiciErrors.BodyTimeoutError) return timeout('idle');
  const code = (error as { code?: string } | undefined)?.code;
  if (code !== undefined && localResourceCodes.has(code)) {
    return new InfermuxError({
      code: 'gateway_overloaded',
      message: `Out of local resources (${code}) before reaching ${provider ?? 'the upstream'}`,
      provider,
      retryAfterMs: 1000,
      details: { networkCode: code },
      cause: error,
    });
  }
  return new InfermuxError({
    code: 'provider_network',
    message: `${provider ?? 'Upstream'} connection failed calling ${host}${code ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
    provider,
    details: { networkCode: code },
    cause: error,
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the upstream';
  }
}

/** An upstream body for an error's details: secrets redacted, cut to `max` characters. */
export function truncate(text: string, max = 2048): string {
  const redacted = redactSecrets(text);
  return redacted.length > max ? `${redacted.slice(0, max)}… (${redacted.length - max} more characters)` : redacted;
}
