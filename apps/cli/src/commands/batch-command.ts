import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { getTask, InfermuxError, isTaskId } from '@infermux/core';
import { type BatchCounts, createBatchProgress } from '../batch/batch-progress';
import { readCompletedIds } from '../batch/completed-ids';
import { FileJobJournal } from '../batch/file-job-journal';
import { JsonlAppender } from '../batch/jsonl-appender';
import { countLines, readLines } from '../batch/read-lines';
import { repairTail } from '../batch/repair-tail';
import { runJsonlBatch } from '../batch/run-jsonl-batch';
import { exitCodes } from '../exit-codes';
import { parameterBases } from '../input/build-task-input';
import { checkRoute, targetModel } from '../input/target-model';
import { applyAssignments, parseAssignment } from '../input/typed-assignment';
import type { CliContext } from '../runtime/cli-context';
import { pollIntervalMs } from '../runtime/poll-interval';
import { unknownTask } from '../runtime/unknown-task';
import { wholeNumberFlag } from '../runtime/whole-number-flag';

export interface BatchFlags {
  model?: string;
  route?: string;
  output: string;
  errors?: string;
  concurrency: string;
  retries?: string;
  param?: string[];
  provider?: string;
  revision?: string;
  progress?: boolean;
  pollInterval?: string;
  resubmitUnknown?: boolean;
  /** Redis URL: enqueue on BullMQ for `infermux worker` processes instead of running here. */
  queue?: string;
  queuePrefix?: string;
  /** `--no-wait` with --queue: enqueue and exit. */
  wait?: boolean;
}

/** Where a batch's files go: `-o out.jsonl`, or `-o DIR/` (results, errors, journal and downloaded files inside). */
interface BatchPaths {
  output: string;
  errors: string;
  journal: string;
  /** Set when `-o` names a directory: async results are downloaded there. */
  directory?: string;
  /** How the output is named in messages (as the user wrote it). */
  label: string;
}

function batchPaths(cwd: string, flags: Pick<BatchFlags, 'output' | 'errors'>): BatchPaths {
  const target = resolve(cwd, flags.output);
  if (flags.output.endsWith('/') || (existsSync(target) && statSync(target).isDirectory())) {
    mkdirSync(target, { recursive: true });
    return {
      output: join(target, 'results.jsonl'),
      errors: resolve(cwd, flags.errors ?? join(target, 'errors.jsonl')),
      journal: join(target, 'jobs.jsonl'),
      directory: target,
      label: join(flags.output, 'results.jsonl'),
    };
  }
  return {
    output: target,
    errors: resolve(cwd, flags.errors ?? `${flags.output}.errors.jsonl`),
    journal: `${target}.jobs.jsonl`,
    label: flags.output,
  };
}

export async function batchCommand(
  context: CliContext,
  taskName: string,
  inputPath: string,
  flags: BatchFlags,
): Promise<number> {
  if (!isTaskId(taskName)) throw unknownTask(taskName).error;
  const task = getTask(taskName);
  const concurrency = wholeNumberFlag(flags.concurrency, '--concurrency', 1);
  const retries = flags.retries === undefined ? undefined : wholeNumberFlag(flags.retries, '--retries', 0);
  const cwd = process.cwd();
  const input = resolve(cwd, inputPath);
  if (!existsSync(input))
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `Input file not found: ${inputPath}`,
      details: { field: 'input' },
    });
  const paths = batchPaths(cwd, flags);
  if (input === paths.output)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'The output file must differ from the input file',
      details: { field: '--output' },
    });
  const model = targetModel(flags);
  checkRoute(flags.route, (await context.loadConfig()).config.routes);

  const parameters: Record<string, unknown> = {};
  const base = parameterBases(task)[0] ?? [];
  applyAssignments(
    parameters,
    (flags.param ?? []).map((text) => parseAssignment('--param', text)),
    task.input,
    [base],
  );
  const sharedParameters = ((base.length ? parameters[base[0] as string] : parameters) ?? {}) as Record<
    string,
    unknown
  >;

  if (flags.queue) {
    if (paths.directory)
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: '--queue writes one results file: -o must be a file, not a directory (downloads run locally only)',
        details: { field: '--output' },
      });
    const { runDistributedBatch } = await import('../batch/queue/run-distributed-batch');
    return runDistributedBatch(context, {
      queueUrl: flags.queue,
      prefix: flags.queuePrefix,
      input,
      output: paths.output,
      errors: paths.errors,
      label: paths.label,
      spec: {
        task: task.id,
        model,
        ...(flags.provider ? { provider: flags.provider } : {}),
        parameters: sharedParameters,
        parameterBase: [...base],
        ...(flags.pollInterval !== undefined ? { pollIntervalMs: pollIntervalMs(flags.pollInterval, {}) } : {}),
      },
      wait: flags.wait !== false,
      resubmitUnknown: flags.resubmitUnknown === true,
      progress: flags.progress !== false,
    });
  }

  keepHeapNearLiveSet();
  const counts: BatchCounts = { done: 0, succeeded: 0, failed: 0, skipped: 0, retries: 0 };
  const { config } = await context.loadConfig();
  // `--retries n` is per line whatever the route: a single model is one target, so its per-target cap
  // moves too (up to the config schema's 10 attempts per target).
  const client = await context.client({
    // The lines in flight go upstream as native batches where the provider takes lists (one call per
    // `maxBatchSize` lines instead of one per line); elsewhere each still goes alone, as before.
    microBatch: { windowMs: 2, maxBatchSize: concurrency },
    ...(retries !== undefined
      ? { retry: { ...config.retry, maxAttempts: retries + 1, maxAttemptsPerTarget: Math.min(retries + 1, 10) } }
      : {}),
  });
  const terminal = context.terminal;
  const repaired = await repairTail(paths.output);
  if (repaired > 0)
    terminal.stderr.write(
      `${terminal.err.yellow('note:')} dropped a partial last line (${repaired} bytes) left by an interrupted run; that line runs again\n`,
    );
  const completed = await readCompletedIds(paths.output);
  const showBar = flags.progress !== false && terminal.interactive;
  const total = showBar ? await countLines(input) : undefined;
  if (completed.size > 0) terminal.stderr.write(`resuming: ${completed.size} lines already in ${paths.label}\n`);
  const journal = task.async
    ? await FileJobJournal.open(paths.journal, { resubmitUnknown: flags.resubmitUnknown })
    : undefined;
  if (journal && journal.unknownCount > 0 && !flags.resubmitUnknown)
    terminal.stderr.write(
      `${terminal.err.yellow('note:')} ${journal.unknownCount} jobs were being submitted when an earlier run stopped; they are not submitted again (see the errors file)\n`,
    );

  const results = JsonlAppender.open(paths.output);
  // The errors file holds the latest run's failures; every failed line is retried on rerun.
  const errors = JsonlAppender.open(paths.errors, { truncate: true });
  const progress = await createBatchProgress(terminal, { total, bar: showBar });
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(exitCodes.interrupted); // everything recorded is already in the file
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  const startedAt = performance.now();
  let failure: unknown;
  try {
    await runJsonlBatch({
      runner: {
        client,
        task,
        model,
        provider: flags.provider,
        journal,
        pollIntervalMs: pollIntervalMs(flags.pollInterval, context.env),
        downloadDirectory: paths.directory,
      },
      defaults: { task, parameters: sharedParameters, parameterBase: base, cwd },
      concurrency,
      lines: readLines(input),
      completed,
      results,
      errors,
      counts,
      onProgress: () => progress.tick(counts),
      signal: controller.signal,
    });
  } catch (error) {
    failure = error;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    progress.stop(counts);
    results.close();
    errors.close();
    journal?.close();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  terminal.stderr.write(
    `batch: ${counts.succeeded} ok, ${counts.failed} failed, ${counts.skipped} skipped (already done), ${counts.retries} retries in ${seconds.toFixed(1)}s (${(counts.done / Math.max(seconds, 0.001)).toFixed(0)} items/s)\n`,
  );
  if (failure) throw withHint(failure, 'Fix it and rerun the same command: finished lines are kept.');
  if (controller.signal.aborted) {
    terminal.stderr.write('Interrupted. Rerun the same command to resume.\n');
    return exitCodes.interrupted;
  }
  if (counts.failed > 0) {
    terminal.stderr.write(
      `${counts.failed} lines failed; see ${flags.errors ?? relative(cwd, paths.errors)}. Rerun the same command to retry them.\n`,
    );
    return exitCodes.partialBatch;
  }
  return exitCodes.ok;
}

/**
 * A batch streams: what it holds at once (the lines in flight, one read chunk, the pending
 * output) does not grow with the file, about 23 MB after each full GC at 100k or 1M lines.
 * V8's default lets the old generation fill to up to 4x that with dead results before it
 * collects, so a long batch's RSS climbs for minutes although nothing is retained. 1.5x keeps
 * the process near its live set; a full GC of that heap costs ~10 ms every few seconds.
 */
function keepHeapNearLiveSet(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

function withHint(error: unknown, hint: string): unknown {
  if (InfermuxError.isInstance(error))
    return new InfermuxError({
      code: error.code,
      message: `${error.message.replace(/\.?$/, '.')} ${hint}`,
      provider: error.provider,
      status: error.status,
      retryable: error.retryable,
      retryAfterMs: error.retryAfterMs,
      requestId: error.requestId,
      details: error.details,
      cause: error.cause,
    });
  return error;
}
