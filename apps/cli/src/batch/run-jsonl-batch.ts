import { type Attempt, type Client, InfermuxError, type TaskDefinition, type TaskId } from '@infermux/core';
import { fitPrimary } from '../input/build-task-input';
import { classifySource } from '../input/read-source';
import { hasBinaryValues, toJsonSafe } from '../output/binary-fields';
import type { BatchCounts } from './batch-progress';
import { idKey } from './completed-ids';
import type { JsonlAppender } from './jsonl-appender';
import type { Line } from './read-lines';

export interface JsonlBatchOptions {
  client: Client;
  task: TaskDefinition;
  model: string;
  provider?: string;
  /** Parameters applied to every line (a line's own values win). */
  parameters: Record<string, unknown>;
  parameterBase: readonly string[];
  concurrency: number;
  lines: AsyncIterator<Line>;
  completed: ReadonlySet<string>;
  results: JsonlAppender;
  errors: JsonlAppender;
  counts: BatchCounts;
  onProgress: () => void;
  signal: AbortSignal;
  cwd: string;
}

/** Errors that would fail every remaining line the same way: stop instead of filling the errors file. */
const fatalCodes = new Set([
  'auth_missing_credentials',
  'auth_invalid_credentials',
  'auth_forbidden',
  'auth_gated_model',
  'caller_unsupported',
  'caller_model_not_found',
  'caller_unknown_task',
  'policy_insufficient_credits',
  'policy_budget_exceeded',
  'policy_revision_unpinned',
  'policy_revision_unavailable',
  'gateway_not_found',
]);

function isFatal(error: InfermuxError): boolean {
  return fatalCodes.has(error.code);
}

interface ParsedLine {
  id: unknown;
  input: Record<string, unknown>;
}

async function parseLine(line: Line, options: JsonlBatchOptions): Promise<ParsedLine> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number} is not valid JSON (${(error as Error).message})`,
      details: { line: line.number },
    });
  }
  if (typeof value === 'string') {
    // A string line is an input like a positional one: text, `@path` or a URL ("-" is just text here).
    const classified = classifySource(value, options.cwd);
    const source = classified === 'stdin' ? { kind: 'text' as const, text: value } : classified;
    return {
      id: line.number,
      input: mergeParameters(await fitPrimary(options.task, source, { cwd: options.cwd }), options),
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number}: expected a JSON object (the task input, with an optional "id") or a string`,
      details: { line: line.number },
    });
  }
  const { id, ...input } = value as Record<string, unknown>;
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `line ${line.number}: "id" must be a string or a number`,
      details: { line: line.number },
    });
  }
  return { id: id ?? line.number, input: mergeParameters(input, options) };
}

function mergeParameters(input: Record<string, unknown>, options: JsonlBatchOptions): Record<string, unknown> {
  if (Object.keys(options.parameters).length === 0) return input;
  const [base] = options.parameterBase;
  if (!base) return { ...options.parameters, ...input };
  return { ...input, [base]: { ...options.parameters, ...(input[base] as Record<string, unknown> | undefined) } };
}

/**
 * Attempts after the first (a hedged copy is not a retry). Counted from each finished line's
 * attempts rather than from a client event listener: a listener makes the client build and
 * stamp an event object at every routing step of every line.
 */
function retriesOf(attempts: readonly Attempt[]): number {
  let sent = 0;
  for (const attempt of attempts) if (!attempt.hedged) sent += 1;
  return Math.max(0, sent - 1);
}

/** The id a line is known by, before it is fully parsed (for skipping and error records). */
function peekId(line: Line): unknown {
  const match = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/.exec(line.text);
  if (match) return JSON.parse(match[1] as string);
  if (!line.text.includes('"id"')) return line.number;
  try {
    const parsed = JSON.parse(line.text) as { id?: unknown };
    return parsed && typeof parsed === 'object' && parsed.id !== undefined ? parsed.id : line.number;
  } catch {
    return line.number;
  }
}

/**
 * Runs every line not already in the output with at most `concurrency` in flight,
 * appending each result as it finishes. Resolves when the input is exhausted or the
 * signal fires; throws a fatal error (bad credentials, unknown model) after draining.
 */
export async function runJsonlBatch(options: JsonlBatchOptions): Promise<void> {
  const { counts } = options;
  let fatal: InfermuxError | undefined;
  const stopped = () => options.signal.aborted || fatal !== undefined;

  const processLine = async (line: Line): Promise<void> => {
    // Only a resumed run needs the id before parsing (to skip finished lines cheaply).
    if (options.completed.size > 0 && options.completed.has(idKey(peekId(line)))) {
      counts.skipped += 1;
      return;
    }
    const started = performance.now();
    try {
      const parsed = await parseLine(line, options);
      // Retries (429, 5xx, network) happen inside the client, per its retry policy (--retries).
      const result = await options.client.run(options.task.id as TaskId, {
        model: options.model,
        input: parsed.input as never,
        provider: options.provider,
        // No per-request signal: on Ctrl-C the lines in flight finish and are recorded
        // (a second Ctrl-C exits at once). It also spares every request an abort listener.
      });
      counts.retries += retriesOf(result.attempts);
      options.results.append({
        id: parsed.id,
        output: hasBinaryValues(result.output) ? toJsonSafe(result.output) : result.output,
        provider: result.provider,
        model: result.model,
        usage: result.usage,
        ...(result.cost ? { cost: result.cost } : {}),
        ...(result.warnings.length ? { warnings: result.warnings } : {}),
        ms: Math.round(performance.now() - started),
      });
      counts.succeeded += 1;
      counts.done += 1;
    } catch (thrown) {
      const error = InfermuxError.from(thrown, { code: 'gateway_internal' });
      if (isFatal(error)) {
        fatal ??= error;
        return;
      }
      const attempts = error.details?.attempts;
      if (Array.isArray(attempts)) counts.retries += retriesOf(attempts as Attempt[]);
      options.errors.append({
        id: peekId(line),
        line: line.number,
        error: {
          code: error.code,
          message: error.message,
          status: error.status,
          ...(error.provider ? { provider: error.provider } : {}),
          ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
        },
      });
      counts.failed += 1;
      counts.done += 1;
    }
  };

  const worker = async () => {
    while (!stopped()) {
      const next = await options.lines.next();
      if (next.done) return;
      await processLine(next.value);
      options.onProgress();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (fatal) throw fatal;
}
