import { type ErrorCode, type HttpResponse, httpError, InfermuxError } from '@infermux/core';

export interface HfErrorContext {
  provider: string;
  /** The model the call was for (for messages that say what to do). */
  modelId?: string;
  /** False when no Authorization header was sent (a public dedicated endpoint may allow that). */
  sentToken: boolean;
  /** The Hub API (huggingface.co) rather than an inference route. */
  hub?: boolean;
  hubURL?: string;
}

/**
 * The upstream's own message, checked in the order huggingface.js uses (wire/hf §4.1): `error` as a
 * string (or a list of strings, as older pipeline containers sent), `error.message` (OpenAI-style),
 * `detail` (FastAPI), `message`.
 */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() || undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const record = body as Record<string, unknown>;
  const { error } = record;
  if (typeof error === 'string') return error;
  if (Array.isArray(error) && error.every((item) => typeof item === 'string')) return error.join('; ');
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  if (typeof record.detail === 'string') return record.detail;
  if (Array.isArray(record.detail)) return JSON.stringify(record.detail);
  if (typeof record.message === 'string') return record.message;
  return undefined;
}

/** TGI/TEI `error_type` values (wire/hf §4.1) and what they mean for the caller. */
const errorTypeCodes: Record<string, ErrorCode> = {
  validation: 'caller_request_rejected',
  template_error: 'caller_request_rejected',
  tool_error: 'caller_request_rejected',
  missing_template_variable: 'caller_request_rejected',
  overloaded: 'provider_rate_limited',
  generation: 'provider_server_error',
  incomplete_generation: 'provider_server_error',
  embedding_failure: 'provider_server_error',
  classification_failure: 'provider_server_error',
};

function errorType(body: unknown): string | undefined {
  const value = body !== null && typeof body === 'object' ? (body as { error_type?: unknown }).error_type : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Reads an error response (JSON, problem+json or text) and maps it. Never throws. */
export async function hfErrorFromResponse(response: HttpResponse, context: HfErrorContext): Promise<InfermuxError> {
  let body: unknown;
  try {
    const text = await response.text();
    body = text;
    if (/json/i.test(response.contentType) || /^\s*[{[]/.test(text)) {
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON after all: keep the text, it is still the best message there is.
      }
    }
  } catch (error) {
    if (InfermuxError.isInstance(error)) return error;
    body = undefined;
  }
  return hfErrorFromBody(response.status, response.headers, body, { ...context, requestId: response.requestId });
}

/**
 * Maps a non-2xx answer to a core error code. The status and the `X-Error-Code` header decide; the body
 * only adds its message, `estimated_time` (503 loading) and TGI's `error_type`.
 */
export function hfErrorFromBody(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  context: HfErrorContext & { requestId?: string },
): InfermuxError {
  const message = upstreamMessage(body);
  const hubErrorCode = headers['x-error-code'];
  const hubMessage = headers['x-error-message'];
  const type = errorType(body);
  const model = context.modelId ? `"${context.modelId}"` : 'the model';
  const modelPage = context.modelId ? `${context.hubURL ?? 'https://huggingface.co'}/${context.modelId}` : undefined;
  let code: ErrorCode | undefined;
  let hint: string | undefined;
  let retryAfterMs: number | undefined;

  if (hubErrorCode === 'GatedRepo' || (status === 403 && /\bgated\b/i.test(message ?? ''))) {
    // Hub: 401/403 + X-Error-Code: GatedRepo. Router inference: 403 whose message says gated (unverified shape).
    code = 'auth_gated_model';
    hint = `${model} is gated: accept its conditions${modelPage ? ` at ${modelPage}` : ''} with the account that owns the token, then retry`;
  } else if (hubErrorCode === 'RevisionNotFound') {
    code = 'caller_model_not_found';
    hint = `the revision does not exist for ${model}; use a branch, tag or commit that does`;
  } else if (hubErrorCode === 'RepoNotFound' || status === 404) {
    code = 'caller_model_not_found';
    hint = context.hub
      ? `${model} does not exist, or it is private and ${context.sentToken ? 'this token has no access to it' : 'no token was sent (set HF_TOKEN)'}`
      : `${model} was not found on this route: it does not exist, is private and this token has no access, or is not served by HF Inference${modelPage ? ` (see ${modelPage})` : ''}`;
  } else if (status === 401) {
    code = context.sentToken ? 'auth_invalid_credentials' : 'auth_missing_credentials';
    hint = context.sentToken
      ? 'the token was refused: check HF_TOKEN (a fine-grained token needs the "Make calls to Inference Providers" permission)'
      : 'no token was sent: set HF_TOKEN (or pass apiKey)';
  } else if (status === 403) {
    code = 'auth_forbidden';
    hint = `the token may not use ${model}: a private model needs a token of an account with access; a fine-grained token needs the "Make calls to Inference Providers" permission`;
  } else if (status === 402) {
    code = 'policy_insufficient_credits';
    hint = 'the account is out of Inference Providers credits (see https://huggingface.co/settings/billing)';
  } else if (status === 410) {
    code = 'caller_unsupported';
    hint = 'this route is gone (the legacy api-inference host was shut down); use https://router.huggingface.co';
  } else if (status === 503) {
    const estimated =
      body !== null && typeof body === 'object' ? (body as { estimated_time?: unknown }).estimated_time : undefined;
    if (typeof estimated === 'number' && Number.isFinite(estimated) && estimated >= 0) {
      code = 'provider_model_loading';
      retryAfterMs = Math.round(estimated * 1000);
      hint = `${model} is loading on HF Inference; it should be ready in about ${Math.ceil(estimated)} s`;
    }
  } else if (type !== undefined && (status === 424 || status >= 500)) {
    // TGI answers generation failures with 424 (wire/hf §4.1): the server's fault, not the caller's.
    code = errorTypeCodes[type] === 'caller_request_rejected' ? 'provider_server_error' : errorTypeCodes[type];
  }

  return httpError({
    status,
    provider: context.provider,
    // httpError joins message and hint with '. '; a message's own final period would double it.
    upstreamMessage: (message ?? hubMessage)?.replace(/\.\s*$/, ''),
    headers,
    requestId: context.requestId,
    code,
    retryAfterMs,
    hint: hint && hint.charAt(0).toUpperCase() + hint.slice(1),
    details: {
      ...(hubErrorCode ? { hubErrorCode } : {}),
      ...(type ? { errorType: type } : {}),
      ...(context.modelId ? { model: context.modelId } : {}),
    },
  });
}

/** An `{"error": …}` event inside a stream (TGI `error_type`, or OpenAI-style `error.message`). */
export function hfStreamError(payload: unknown, context: HfErrorContext & { requestId?: string }): InfermuxError {
  const type = errorType(payload);
  const message = upstreamMessage(payload) ?? 'the stream reported an error';
  return new InfermuxError({
    code: (type && errorTypeCodes[type]) || 'provider_stream_interrupted',
    message: `${context.provider} stream failed: ${message}`,
    provider: context.provider,
    requestId: context.requestId,
    details: { ...(type ? { errorType: type } : {}), ...(context.modelId ? { model: context.modelId } : {}) },
  });
}
