import { InfermuxError } from '@infermux/core';
import { errorRecord, isFatal, retriesOfError } from './batch-item-error';
import type { BatchCounts } from './batch-progress';
import { idKey } from './completed-ids';
import type { JsonlAppender } from './jsonl-appender';
import { type LineDefaults, parseBatchLine, peekId } from './parse-batch-line';
import type { Line } from './read-lines';
import { type BatchItemRunner, runBatchItem } from './run-batch-item';

export interface JsonlBatchOptions {
  runner: BatchItemRunner;
  defaults: LineDefaults;
  concurrency: number;
  lines: AsyncIterator<Line>;
  completed: ReadonlySet<string>;
  results: JsonlAppender;
  errors: JsonlAppender;
  counts: BatchCounts;
  onProgress: () => void;
  signal: AbortSignal;
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
    try {
      const outcome = await runBatchItem(options.runner, await parseBatchLine(line, options.defaults));
      counts.retries += outcome.retries;
      options.results.append(outcome.record);
      counts.succeeded += 1;
      counts.done += 1;
    } catch (thrown) {
      const error = InfermuxError.from(thrown, { code: 'gateway_internal' });
      if (isFatal(error)) {
        fatal ??= error;
        return;
      }
      counts.retries += retriesOfError(error);
      options.errors.append(errorRecord(peekId(line), line.number, error));
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
