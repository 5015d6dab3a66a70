import { type ErrorCode, errorCodes } from './error-codes';
import { redactSecrets, redactValue } from './secret-redaction';

const marker = Symbol.for('infermux.error');

export interface InfermuxErrorOptions {
  code: ErrorCode;
  message: string;
  /** Provider name (`hf`, `evolink`, …) when the error came from one. */
  provider?: string;
  status?: number;
  retryable?: boolean;
  /** How long the upstream asked us to wait before trying again. */
  retryAfterMs?: number;
  /** Upstream request id, when there is one. */
  requestId?: string;
  /** Extra machine-readable facts (redacted). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type infermux throws. Branded with a global symbol so
 * `InfermuxError.isInstance` holds across two copies of the package.
 * Messages and details are redacted at construction: no token survives.
 */
export class InfermuxError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly provider: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(options: InfermuxErrorOptions) {
    super(
      redactSecrets(options.message),
      options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause) },
    );
    const defaults = errorCodes[options.code];
    this.name = 'InfermuxError';
    this.code = options.code;
    this.status = options.status ?? defaults.status;
    this.retryable = options.retryable ?? defaults.retryable;
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.details = options.details ? (redactValue(options.details) as Record<string, unknown>) : undefined;
  }

  static isInstance(error: unknown): error is InfermuxError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  /** Wraps anything thrown into an InfermuxError, keeping infermux errors as they are. */
  static from(
    error: unknown,
    fallback: Omit<InfermuxErrorOptions, 'message' | 'cause'> & { message?: string },
  ): InfermuxError {
    if (InfermuxError.isInstance(error)) return error;
    const message = fallback.message ?? (error instanceof Error ? error.message : String(error));
    return new InfermuxError({ ...fallback, message, cause: error });
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      provider: this.provider,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      details: this.details,
    };
  }
}

/** Causes are kept for debugging, but with their messages redacted too. */
function sanitizeCause(cause: unknown): unknown {
  if (InfermuxError.isInstance(cause)) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redactSecrets(cause.message));
    copy.name = cause.name;
    copy.stack = cause.stack ? redactSecrets(cause.stack) : undefined;
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) (copy as { code?: unknown }).code = code;
    if (cause.cause !== undefined) (copy as { cause?: unknown }).cause = sanitizeCause(cause.cause);
    return copy;
  }
  return typeof cause === 'string' ? redactSecrets(cause) : redactValue(cause);
}
