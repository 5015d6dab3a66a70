import type { Terminal } from '../runtime/terminal';

export interface BatchCounts {
  /** Lines finished in this run (succeeded or failed). */
  done: number;
  succeeded: number;
  failed: number;
  /** Lines skipped because their id is already in the output. */
  skipped: number;
  /** Retries spent by the lines finished so far. */
  retries: number;
}

export interface BatchProgress {
  tick(counts: BatchCounts): void;
  stop(counts: BatchCounts): void;
}

const rate = (count: number, startedAt: number) => count / Math.max(0.001, (performance.now() - startedAt) / 1000);

/**
 * A progress bar (done/total, rate, ETA, retries, errors) on a TTY; a plain status line
 * every 10 s when stderr is a log file or a pipe.
 */
export async function createBatchProgress(
  terminal: Terminal,
  options: { total?: number; bar: boolean },
): Promise<BatchProgress> {
  const startedAt = performance.now();
  if (options.bar && terminal.interactive) {
    const { default: progress } = await import('cli-progress');
    const colors = terminal.err;
    const bar = new progress.SingleBar(
      {
        stream: terminal.stderr,
        format: `${colors.cyan('{bar}')} {value}/{total} | {rate}/s | ETA {eta_formatted} | retries {retries} | ${colors.red('errors {errors}')}`,
        hideCursor: true,
        fps: 10,
        etaBuffer: 200,
        barsize: 30,
      },
      progress.Presets.shades_classic,
    );
    bar.start(options.total ?? 0, 0, { rate: '0', retries: 0, errors: 0 });
    const tick = (counts: BatchCounts) =>
      bar.update(counts.done + counts.skipped, {
        rate: rate(counts.done, startedAt).toFixed(0),
        retries: counts.retries,
        errors: counts.failed,
      });
    return {
      tick,
      stop(counts) {
        tick(counts);
        bar.stop();
      },
    };
  }
  let lastPrint = performance.now();
  return {
    tick(counts) {
      const now = performance.now();
      if (now - lastPrint < 10_000) return;
      lastPrint = now;
      terminal.stderr.write(
        `batch: ${counts.done + counts.skipped}${options.total ? `/${options.total}` : ''} lines, ${counts.failed} failed, ${counts.retries} retries, ${rate(counts.done, startedAt).toFixed(0)} items/s\n`,
      );
    },
    stop() {},
  };
}
