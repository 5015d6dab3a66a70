import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getTask } from '@infermux/core';
import { type FakeEvolink, startFakeEvolink } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../exit-codes';
import { runCli, spawnCli, tempDir } from '../test-support/cli-harness';

let evolink: FakeEvolink;
let env: Record<string, string>;
const KEY = 'sk-evo-test-key-123456';

beforeAll(async () => {
  evolink = await startFakeEvolink({ apiKey: KEY });
  env = { EVOLINK_API_KEY: KEY, EVOLINK_BASE_URL: evolink.baseURL, INFERMUX_POLL_INTERVAL_MS: '30' };
});
afterAll(() => evolink.close());

const jobIdPattern = /evolink:video-generation:task-unified-\d+-[a-z0-9]+/;

describe('async jobs', () => {
  it('run submits, shows progress lines when piped, and prints the result URLs', async () => {
    const run = await runCli(['run', 'video-generation', '--model', 'sora-2', 'a calico cat playing piano'], { env });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`job ${jobIdPattern.source} submitted`));
    expect(run.stderr).toMatch(new RegExp(`job ${jobIdPattern.source}: (queued|running)`));
    expect(run.stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.mp4$/);
  });

  it('--out downloads the result', async () => {
    const dir = tempDir();
    const run = await runCli(['run', 'video-generation', '--model', 'sora-2', 'a dog surfing', '-o', 'clips/'], {
      env,
      cwd: dir,
    });
    expect(run.code).toBe(0);
    const files = readdirSync(join(dir, 'clips'));
    expect(files).toHaveLength(1);
    expect(run.stdout).toContain(`saved ${join(dir, 'clips', files[0] as string)}`);
  });

  it('--no-wait prints an id that job status / wait pick up', async () => {
    const submitted = await runCli(
      ['run', 'video-generation', '--model', 'sora-2', '--no-wait', 'a lighthouse at dusk'],
      { env },
    );
    expect(submitted.code).toBe(0);
    const id = submitted.stdout.trim();
    expect(id).toMatch(new RegExp(`^${jobIdPattern.source}$`));
    const status = await runCli(['job', 'status', id, '--json'], { env });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: expect.stringMatching(/queued|running|succeeded/) });
    const waited = await runCli(['job', 'wait', id, '--json'], { env });
    expect(waited.code).toBe(0);
    getTask('video-generation').output.parse(JSON.parse(waited.stdout).output);
    // A bare id needs --provider and --task.
    const bare = id.split(':').slice(2).join(':');
    expect(
      (await runCli(['job', 'status', bare, '--provider', 'evolink', '--task', 'video-generation'], { env })).stdout,
    ).toMatch(/succeeded/);
    const missing = await runCli(['job', 'status', bare], { env });
    expect(missing.code).toBe(exitCodes.usage);
    expect(missing.stderr).toMatch(/--provider <name> --task <task>/);
  });

  it('a failed job is one line and exit 6', async () => {
    const run = await runCli(['run', 'video-generation', '--model', 'sora-2', 'oops [fail:generation_timeout]'], {
      env,
    });
    expect(run.code).toBe(exitCodes.provider);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^error: .*generation_timeout|^error: .*Task failed/);
  });

  it('job cancel reports a provider without cancellation clearly', async () => {
    const submitted = await runCli(
      ['run', 'video-generation', '--model', 'sora-2', '--no-wait', 'waits forever [stall]'],
      { env },
    );
    const run = await runCli(['job', 'cancel', submitted.stdout.trim()], { env });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(/no cancel endpoint/);
    // Advice that fits a library caller or a new request, not a job that already lives on its provider.
    expect(run.stderr).not.toMatch(/AbortSignal|--provider/);
    expect(run.stderr).toContain(`infermux job wait ${submitted.stdout.trim()}`);
  });

  it('job cancel on a finished job says it already finished (typed, exit 2)', async () => {
    const submitted = await runCli(['run', 'video-generation', '--model', 'sora-2', '--no-wait', 'quick'], { env });
    const id = submitted.stdout.trim();
    expect((await runCli(['job', 'wait', id], { env })).code).toBe(0);
    const run = await runCli(['job', 'cancel', id, '--verbose'], { env });
    expect(run.code).toBe(exitCodes.usage);
    expect(run.stderr).toMatch(new RegExp(`^error: Job ${id} already succeeded: there is nothing to cancel`));
    expect(run.stderr).toContain('code: caller_invalid_input');
  });

  it('job status of an unknown job is not found (EvoLink 404): exit 4', async () => {
    const run = await runCli(
      ['job', 'status', 'evolink:video-generation:task-unified-1700000000-abcdefgh', '--verbose'],
      { env },
    );
    expect(run.code).toBe(exitCodes.notFound);
    expect(run.stderr).toMatch(/^error: .*Task not found/);
    expect(run.stderr).toContain('code: caller_job_not_found');
    expect(run.stderr).toContain('status: 404');
  });

  it('Ctrl-C while waiting (not a TTY) leaves the job running and prints its id', async () => {
    const child = spawnCli(['run', 'video-generation', '--model', 'sora-2', 'long one [stall]'], { env });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!interrupted && /: (queued|running)/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(exitCodes.interrupted);
    expect(stdout.trim()).toMatch(new RegExp(`^${jobIdPattern.source}$`));
    expect(stderr).toMatch(/Left job running: .*\nPick it up with: infermux job wait /);
  });
});
