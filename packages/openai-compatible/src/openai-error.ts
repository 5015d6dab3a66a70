import {
  codeForStatus,
  type ErrorCode,
  type HttpResponse,
  httpError,
  type InfermuxError,
  truncate,
} from '@infermux/core';

/** The fields an OpenAI-style error body can carry, whichever of its shapes it came in. */
export interface OpenAIErrorFields {
  message?: string;
  type?: string;
  /** OpenAI sends a string (`context_length_exceeded`); some gateways (EvoLink) send the HTTP status as a number. */
  code?: string | number;
  param?: string;
  /** The whole parsed body (or the raw text when it is not JSON), for details. */
  raw: unknown;
}

/**
 * Reads `{"error":{"message","type","param","code"}}` and the looser shapes servers use
 * instead: `{"error":"text"}` (TGI, vLLM), `{"detail":...}` (FastAPI), `{"message":...}`.
 */
export function parseOpenAIErrorBody(text: string): OpenAIErrorFields {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { message: text.trim() || undefined, raw: text };
  }
  return readErrorFields(body);
}

export function readErrorFields(body: unknown): OpenAIErrorFields {
  const fields: OpenAIErrorFields = { raw: body };
  if (body === null || typeof body !== 'object') {
    if (typeof body === 'string') fields.message = body;
    return fields;
  }
  const record = body as Record<string, unknown>;
  const inner = record.error;
  if (typeof inner === 'string') {
    fields.message = inner;
    fields.type = stringOf(record.error_type) ?? stringOf(record.type);
  } else if (inner !== null && typeof inner === 'object') {
    const error = inner as Record<string, unknown>;
    fields.message = stringOf(error.message);
    fields.type = stringOf(error.type);
    fields.param = stringOf(error.param);
    if (typeof error.code === 'string' || typeof error.code === 'number') fields.code = error.code;
  } else if (record.detail !== undefined) {
    fields.message = typeof record.detail === 'string' ? record.detail : JSON.stringify(record.detail);
  } else {
    fields.message = stringOf(record.message);
    fields.type = stringOf(record.type);
    if (typeof record.code === 'string' || typeof record.code === 'number') fields.code = record.code;
  }
  return fields;
}

/**
 * The core code an OpenAI error means. The body's `code`/`type` are more precise than the status
 * (OpenAI answers 429 both for "slow down" and for "out of quota", which must not be retried).
 * Returns undefined when only the status can tell.
 */
export function classifyOpenAIError(
  fields: Pick<OpenAIErrorFields, 'type' | 'code' | 'message'>,
): ErrorCode | undefined {
  const markers = [fields.code, fields.type].filter((value): value is string => typeof value === 'string');
  const has = (...names: string[]) => markers.some((marker) => names.includes(marker));
  if (
    has('context_length_exceeded', 'string_above_max_length') ||
    /maximum context length|context length of/i.test(fields.message ?? '')
  ) {
    return 'caller_context_length_exceeded';
  }
  if (has('content_filter', 'content_policy_violation', 'content_policy')) return 'policy_content_filtered';
  if (has('insufficient_quota', 'insufficient_quota_error', 'billing_hard_limit_reached'))
    return 'policy_insufficient_credits';
  if (has('invalid_api_key', 'authentication_error')) return 'auth_invalid_credentials';
  if (has('model_not_found')) return 'caller_model_not_found';
  if (has('rate_limit_exceeded', 'rate_limit_error')) return 'provider_rate_limited';
  return undefined;
}

export interface OpenAIErrorContext {
  provider: string;
  status: number;
  headers?: Record<string, string>;
  requestId?: string;
}

/** Builds the InfermuxError for an OpenAI-style error body already read as text. */
export function openAIErrorFromText(text: string, context: OpenAIErrorContext): InfermuxError {
  const fields = parseOpenAIErrorBody(text);
  return httpError({
    status: context.status,
    provider: context.provider,
    upstreamMessage: describeOpenAIError(fields),
    headers: context.headers,
    requestId: context.requestId,
    code: classifyOpenAIError(fields) ?? codeForStatus(context.status),
    details: openAIErrorDetails(fields, text),
  });
}

/** Reads a non-2xx OpenAI-compatible response and maps it to an InfermuxError (never throws). */
export async function openAIErrorFromResponse(response: HttpResponse, provider: string): Promise<InfermuxError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The status alone still says what went wrong.
  }
  return openAIErrorFromText(text, {
    provider,
    status: response.status,
    headers: response.headers,
    requestId: response.requestId,
  });
}

/** Upstream message plus `param`, so the caller sees which field the upstream rejected. */
export function describeOpenAIError(fields: OpenAIErrorFields): string | undefined {
  if (!fields.message) return fields.param ? `invalid parameter "${fields.param}"` : undefined;
  return fields.param ? `${fields.message} (param: ${fields.param})` : fields.message;
}

export function openAIErrorDetails(fields: OpenAIErrorFields, text: string): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (fields.type !== undefined) details.upstreamType = fields.type;
  if (fields.code !== undefined) details.upstreamCode = fields.code;
  if (fields.param !== undefined) details.param = fields.param;
  if (text) details.rawBody = truncate(text);
  return details;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
