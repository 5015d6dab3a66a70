import type { InfermuxError } from '@infermux/core';
import { type ExitCode, exitCodeForErrorCode, exitCodes } from '../exit-codes';
import { ERROR_PREFIX } from './error-prefix';
import type { Terminal } from './terminal';

const jobOperations = new Set(['status', 'cancel']);

/** What to do next, per error code, appended to the one-line message. */
const advice: Record<string, (error: InfermuxError) => string | undefined> = {
  auth_missing_credentials: () => 'Run `infermux doctor` to check credentials.',
  auth_invalid_credentials: (error) => `Check the token for ${error.provider ?? 'the provider'} (\`infermux doctor\`).`,
  auth_forbidden: () => 'The token lacks a permission (for Hugging Face: "Make calls to Inference Providers").',
  auth_gated_model: () => 'Request access on the model page, then retry.',
  caller_unknown_task: () => 'Run `infermux tasks` for the list.',
  caller_model_not_found: () => 'Check the model id (org/name) and that your token can see it.',
  // A job already lives on its provider: another --provider cannot cancel or read it.
  caller_unsupported: (error) =>
    jobOperations.has(String(error.details?.operation))
      ? undefined
      : 'Pick another provider with --provider, or see `infermux config`.',
  provider_rate_limited: (error) => `Retry ${retryWhen(error)}, or lower --concurrency.`,
  policy_rate_limited: (error) => `Retry ${retryWhen(error)}.`,
  provider_model_loading: (error) => `The model is loading; retry ${retryWhen(error)}.`,
  provider_unavailable: (error) => `Retry ${retryWhen(error)}.`,
  provider_timeout: () => 'Retry, or raise defaults.timeouts in the config.',
  provider_network: () => 'Check the network and the provider base URL (`infermux doctor`).',
  policy_insufficient_credits: () => 'Top up the account with the provider.',
  policy_revision_unpinned: () => 'Pin a full commit sha: --revision <40-hex>.',
};

function retryWhen(error: InfermuxError): string {
  if (error.retryAfterMs === undefined) return 'in a little while';
  const seconds = Math.ceil(error.retryAfterMs / 1000);
  return `in ${seconds}s (at ${new Date(Date.now() + error.retryAfterMs).toLocaleTimeString()})`;
}

export interface ReportOptions {
  verbose?: boolean;
  /** Extra advice from the command (e.g. "rerun to resume"). */
  hint?: string;
}

/**
 * Prints one line — what went wrong and what to do — and returns the exit code.
 * `--verbose` adds the code, provider, request id, details and the cause chain.
 */
export async function reportError(error: unknown, terminal: Terminal, options: ReportOptions = {}): Promise<ExitCode> {
  const { InfermuxError } = await import('@infermux/core');
  const colors = terminal.err;
  if (!InfermuxError.isInstance(error)) {
    terminal.stderr.write(`${colors.red(ERROR_PREFIX)} ${error instanceof Error ? error.message : String(error)}\n`);
    if (options.verbose && error instanceof Error && error.stack) terminal.stderr.write(`${colors.dim(error.stack)}\n`);
    else terminal.stderr.write(`${colors.dim('(run with --verbose for details)')}\n`);
    return exitCodes.failure;
  }
  const next = [advice[error.code]?.(error), options.hint].filter(Boolean).join(' ');
  const message = error.message.replace(/\s+/g, ' ').trim();
  terminal.stderr.write(`${colors.red(ERROR_PREFIX)} ${message}${next ? ` ${colors.yellow(next)}` : ''}\n`);
  if (options.verbose) {
    const facts = {
      code: error.code,
      status: error.status,
      provider: error.provider,
      retryable: error.retryable,
      requestId: error.requestId,
      retryAfterMs: error.retryAfterMs,
    };
    for (const [name, value] of Object.entries(facts)) {
      if (value !== undefined) terminal.stderr.write(colors.dim(`  ${name}: ${String(value)}\n`));
    }
    if (error.details) terminal.stderr.write(colors.dim(`  details: ${JSON.stringify(error.details)}\n`));
    let cause: unknown = error.cause;
    for (let depth = 0; cause !== undefined && depth < 8; depth++) {
      const text =
        cause instanceof Error
          ? `${cause.name}: ${cause.message}${(cause as { code?: unknown }).code ? ` (${String((cause as { code?: unknown }).code)})` : ''}`
          : String(cause);
      terminal.stderr.write(colors.dim(`  caused by: ${text}\n`));
      cause = cause instanceof Error ? cause.cause : undefined;
    }
  }
  return exitCodeForErrorCode(error.code);
}
