import { codeForStatus, type ErrorCode, type HttpResponse, httpError, InfermuxError } from '@infermux/core';
import {
  classifyOpenAIError,
  describeOpenAIError,
  openAIErrorDetails,
  parseOpenAIErrorBody,
} from '@infermux/openai-compatible/internal';

/** Which call failed: the same status means different things (a 404 on a task id is not a missing model). */
export type EvolinkOperation = 'chat' | 'submit' | 'status';

const BILLING_HINT = 'Top up at https://evolink.ai/dashboard/billing';

/**
 * EvoLink's error body is OpenAI-shaped (`{"error":{"code","message","type","param"}}`, wire/evolink §5.1)
 * with `code` a number (the status) or a string (`invalid_task_id`), plus `fallback_suggestion`.
 * The shared OpenAI parser reads it; only the EvoLink-specific meanings are decided here.
 */
export function evolinkErrorFromResponse(operation: EvolinkOperation) {
  return async (response: HttpResponse, provider: string): Promise<InfermuxError> => {
    let text = '';
    try {
      text = await response.text();
    } catch {
      // The status alone still says what went wrong.
    }
    const fields = parseOpenAIErrorBody(text);
    const suggestion = readSuggestion(fields.raw);
    const { code, hint } = evolinkCode(response.status, fields, operation);
    const error = httpError({
      status: response.status,
      provider,
      upstreamMessage: [describeOpenAIError(fields), suggestion].filter(Boolean).join('. ') || undefined,
      headers: response.headers,
      requestId: response.requestId,
      code,
      hint,
      details: {
        ...openAIErrorDetails(fields, text),
        operation,
        ...(operation === 'status' && (code === 'caller_invalid_input' || code === 'caller_job_not_found')
          ? { field: 'jobId' }
          : {}),
      },
    });
    return operation === 'submit' ? submissionError(error) : error;
  };
}

function evolinkCode(
  status: number,
  fields: ReturnType<typeof parseOpenAIErrorBody>,
  operation: EvolinkOperation,
): { code: ErrorCode; hint?: string } {
  const markers = [fields.type, typeof fields.code === 'string' ? fields.code : undefined];
  const has = (name: string) => markers.includes(name);
  if (status === 401) return { code: 'auth_invalid_credentials', hint: 'Check EVOLINK_API_KEY' };
  if (status === 402 || has('insufficient_quota') || has('insufficient_quota_error'))
    return { code: 'policy_insufficient_credits', hint: BILLING_HINT };
  if (has('content_policy_violation')) return { code: 'policy_content_filtered' };
  if (has('model_unavailable')) return { code: 'provider_unavailable' };
  if (operation === 'status' && has('invalid_task_id')) {
    return {
      code: 'caller_invalid_input',
      hint: 'Check the job id (EvoLink task ids look like task-unified-<unix>-<8 chars>)',
    };
  }
  // A well-formed id EvoLink does not know: never existed, or expired.
  if (operation === 'status' && (has('task_not_found') || status === 404)) {
    return { code: 'caller_job_not_found', hint: 'Check the job id; EvoLink keeps tasks for a limited time' };
  }
  // Invalid model is a 400 on EvoLink (skill docs/errors.md), recognisable by the rejected param.
  if (
    status === 400 &&
    (fields.param === 'model' ||
      /\b(invalid|unknown|unsupported) model\b|model .*(not (found|exist|support))/i.test(fields.message ?? ''))
  ) {
    return { code: 'caller_model_not_found' };
  }
  return { code: classifyOpenAIError(fields) ?? codeForStatus(status) };
}

/**
 * A submission creates a paid job. After an error the job may or may not exist, so the error must
 * not invite a blind retry — except when the upstream certainly refused it (429: not accepted).
 */
function submissionError(error: InfermuxError): InfermuxError {
  if (!error.retryable || error.code === 'provider_rate_limited') return error;
  return new InfermuxError({
    code: error.code,
    message: `${error.message}. The task may have been created anyway; it is not resubmitted automatically`,
    provider: error.provider,
    status: error.status,
    retryable: false,
    retryAfterMs: error.retryAfterMs,
    requestId: error.requestId,
    details: { ...error.details, submission: 'unknown' },
    cause: error,
  });
}

/** Network failures on submit: only a refused connection proves nothing was sent. */
export function submissionNetworkError(error: unknown): unknown {
  if (!InfermuxError.isInstance(error) || !error.retryable) return error;
  if (error.details?.networkCode === 'ECONNREFUSED') return error;
  return submissionError(error);
}

function readSuggestion(raw: unknown): string | undefined {
  const suggestion = (raw as { error?: { fallback_suggestion?: unknown } } | undefined)?.error?.fallback_suggestion;
  return typeof suggestion === 'string' && suggestion ? `Suggestion: ${suggestion}` : undefined;
}

/** Task-level failure codes (wire/evolink §3.3) that EvoLink's MCP client says a retry can fix. */
const retryableJobCodes = new Set([
  'generation_timeout',
  'quota_exceeded',
  'resource_exhausted',
  'generation_failed_no_content',
  'service_error',
  'service_unavailable',
  'unknown_error',
]);

/** A task that ended `failed`: `provider_job_failed` with the upstream reason, retryable per EvoLink's own list. */
export function evolinkJobError(
  error: { code?: string | number | null; message?: string | null; type?: string | null } | null | undefined,
  context: { provider: string; jobId: string },
): InfermuxError {
  const code = error?.code != null ? String(error.code) : 'unknown_error';
  return new InfermuxError({
    code: 'provider_job_failed',
    message: `${context.provider} job ${context.jobId} failed: ${code}${error?.message ? `: ${error.message}` : ''}`,
    provider: context.provider,
    // Unknown codes (e.g. upstream `channel_*`) are treated like `unknown_error`: retryable.
    retryable: retryableJobCodes.has(code) || !knownPermanentCodes.has(code),
    details: { jobId: context.jobId, reason: code, ...(error?.type ? { upstreamType: error.type } : {}) },
  });
}

const knownPermanentCodes = new Set([
  'content_policy_violation',
  'invalid_parameters',
  'invalid_request',
  'image_dimension_mismatch',
  'image_processing_error',
  'request_cancelled',
  'resource_not_found',
]);
