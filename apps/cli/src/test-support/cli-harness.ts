import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, type FakeHf } from '@infermux/testkit';

export const binPath = new URL('../../dist/bin.js', import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to stdin, then closed. Without it stdin is closed at once (not a TTY). */
  stdin?: string | Uint8Array;
  timeoutMs?: number;
}

/** An environment with nothing inherited that could reach a real provider or colour output. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: '1',
    ...extra,
  };
  return Object.fromEntries(Object.entries(base).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The variables that point the CLI at a fake HF, with a token it accepts. */
export function hfEnv(hf: FakeHf): Record<string, string> {
  return { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL };
}

export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  else child.stdin?.end();
  return child;
}

/** Runs the built binary to completion. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`infermux ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'infermux-cli-'));
}

/** A config file with only the providers a test names (so doctor/config see nothing else). */
export function writeConfig(dir: string, config: unknown): string {
  const path = join(dir, 'infermux.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}
