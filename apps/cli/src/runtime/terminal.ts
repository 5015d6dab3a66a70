import picocolors from 'picocolors';

type Colors = ReturnType<typeof picocolors.createColors>;

/** Colour is for people: only on a TTY, never with `NO_COLOR` (no-color.org) or `--no-color`. */
export function colorsEnabled(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv = process.env,
  flag?: boolean,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export interface Terminal {
  /** Colours for stdout. */
  out: Colors;
  /** Colours for stderr (status, progress, errors). */
  err: Colors;
  /** stderr is a TTY: live status lines and progress bars are allowed. */
  interactive: boolean;
  /** stdin is a TTY: questions can be asked. */
  canAsk: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export function createTerminal(options: { color?: boolean } = {}): Terminal {
  return {
    out: picocolors.createColors(colorsEnabled(process.stdout, process.env, options.color)),
    err: picocolors.createColors(colorsEnabled(process.stderr, process.env, options.color)),
    interactive: process.stderr.isTTY === true && process.env.TERM !== 'dumb',
    canAsk: process.stdin.isTTY === true && process.stderr.isTTY === true,
    stdout: process.stdout,
    stderr: process.stderr,
  };
}
