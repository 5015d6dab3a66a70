import type { JobStatus } from '@infermux/core';
import type { Terminal } from '../runtime/terminal';

const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/**
 * Shows a job's progress: one live line rewritten in place on a TTY; plain lines
 * (only when something changed) when stderr is a file or a pipe.
 */
export class JobStatusLine {
  #frame = 0;
  #lastPlain = '';
  #timer: NodeJS.Timeout | undefined;
  #status: Pick<JobStatus, 'state' | 'progress' | 'estimatedSecondsRemaining'> = { state: 'queued' };

  constructor(
    private readonly terminal: Terminal,
    private readonly label: string,
    private readonly startedAt = Date.now(),
  ) {
    if (terminal.interactive) {
      this.#timer = setInterval(() => this.#draw(), 100);
      this.#timer.unref();
    }
  }

  update(status: Pick<JobStatus, 'state' | 'progress' | 'estimatedSecondsRemaining'>): void {
    this.#status = status;
    if (this.terminal.interactive) {
      this.#draw();
      return;
    }
    const line = this.#describe();
    if (line !== this.#lastPlain) {
      this.#lastPlain = line;
      this.terminal.stderr.write(`job ${this.label}: ${line} (${formatElapsed(Date.now() - this.startedAt)})\n`);
    }
  }

  #describe(): string {
    const { state, progress, estimatedSecondsRemaining } = this.#status;
    return [
      state,
      progress !== undefined ? `${Math.round(progress)}%` : undefined,
      estimatedSecondsRemaining !== undefined ? `~${Math.ceil(estimatedSecondsRemaining)}s left` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
  }

  #draw(): void {
    const colors = this.terminal.err;
    const frame = spinner[this.#frame++ % spinner.length];
    this.terminal.stderr.write(
      `\r\x1b[2K${colors.cyan(frame ?? '')} ${this.#describe()} ${colors.dim(`· ${formatElapsed(Date.now() - this.startedAt)} · ${this.label}`)}`,
    );
  }

  /** Clears the live line (a TTY) so the next output starts on a clean line. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.terminal.interactive) this.terminal.stderr.write('\r\x1b[2K');
  }
}
