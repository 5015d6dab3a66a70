import { InfermuxError, truncate } from '@infermux/core';

/** Who answered what, for the error when the text is not JSON. */
export interface JsonTextFailure {
  provider: string;
  /** Says what the body was expected to be, e.g. `answered 200 with a body that is not valid JSON`. */
  message: string;
  /** The upstream's status, kept in the details (the error itself is a 502). */
  upstreamStatus: number;
  requestId?: string;
}

/**
 * A 2xx body's text as JSON. Text that is not JSON is `provider_bad_response` with the raw body (cut), so a
 * broken answer fails over instead of reaching the caller.
 */
export function parseJsonText(text: string, failure: JsonTextFailure): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: failure.message,
      provider: failure.provider,
      requestId: failure.requestId,
      status: 502,
      details: { rawBody: truncate(text), upstreamStatus: failure.upstreamStatus },
      cause,
    });
  }
}
