import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfEnv } from '../test-support/cli-harness';

// What a user gets from npm: every public package packed by pnpm (workspace: ranges rewritten,
// the in-repo source condition dropped), installed with plain npm into an empty directory.
const root = new URL('../../../../', import.meta.url).pathname;
const npmAvailable = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status === 0;
if (!npmAvailable) console.log('packed-install test skipped: npm is not on PATH');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const publicPackages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: readJson<Manifest>(join(dir, 'package.json')) }))
  .filter(({ manifest }) => !manifest.private);
const tarballName = (name: string, version: string) => `${name.replace('@', '').replace('/', '-')}-${version}.tgz`;

let work: string;
let tarballs: Map<string, string>;
let hf: FakeHf;
/** The CLI + gateway install, with SQLite built: the Dockerfile's /app. */
let gatewayInstall: string | undefined;

function run(command: string, args: readonly string[], cwd: string, timeoutMs = 240_000): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `npm install` of the named tarballs into a fresh directory; returns the directory and the seconds it took. */
function npmInstall(names: readonly string[], extraFlags: readonly string[] = []): { dir: string; seconds: number } {
  const dir = mkdtempSync(join(work, 'install-'));
  run('npm', ['init', '-y'], dir);
  const started = performance.now();
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...extraFlags,
      ...names.map((name) => tarballs.get(name) as string),
    ],
    dir,
  );
  return { dir, seconds: (performance.now() - started) / 1000 };
}

function entries(tarball: string): string[] {
  return run('tar', ['-tzf', tarball], work)
    .split('\n')
    .filter(Boolean)
    .map((path) => path.replace(/^package\//, ''));
}

function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command without blocking this process's event loop (the fake upstream answers from it). */
function runAsync(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** A long-running child with its output collected; `stop` sends SIGTERM and resolves with the exit code. */
function startProcess(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  let output = '';
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

interface DockerStage {
  env: Record<string, string>;
  workdir: string;
  user: string;
  volumes: string[];
  cmd: string[];
  healthcheck: string[];
}

/** The last stage of a Dockerfile: the instructions this test needs, continuation lines joined. */
function dockerRuntimeStage(dockerfile: string): DockerStage {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stage = instructions.slice(instructions.findLastIndex((line) => /^FROM\s/i.test(line)));
  const runtime: DockerStage = { env: {}, workdir: '/', user: 'root', volumes: [], cmd: [], healthcheck: [] };
  for (const line of stage) {
    const [, keyword = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    switch (keyword.toUpperCase()) {
      case 'ENV':
        for (const [, name = '', value = ''] of rest.matchAll(/(\w+)=(\S+)/g)) runtime.env[name] = value;
        break;
      case 'WORKDIR':
        runtime.workdir = rest;
        break;
      case 'USER':
        runtime.user = rest;
        break;
      case 'VOLUME':
        runtime.volumes.push(...(JSON.parse(rest) as string[]));
        break;
      case 'CMD':
        runtime.cmd = JSON.parse(rest) as string[];
        break;
      case 'HEALTHCHECK':
        runtime.healthcheck = JSON.parse(rest.slice(rest.indexOf('CMD') + 3)) as string[];
        break;
    }
  }
  return runtime;
}

const cleanEnv = (extra: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  // The gateway's default ledger lives under the XDG data directory: here, never the real home.
  XDG_DATA_HOME: join(work, 'xdg-data'),
  NO_COLOR: '1',
  ...extra,
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForStatus(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}): ${output()}`);
    // Asked only once this gateway says it listens: under a loaded CI another test's server may hold the port
    // for a moment, and its answer would let the test signal a gateway still starting.
    if (!output().includes('gateway listening on')) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    const status = await fetch(url).then(
      (response) => response.status,
      () => undefined,
    );
    if (status !== undefined) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms: ${output()}`);
}

describe.skipIf(!npmAvailable)('the packed packages, installed with npm', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'infermux-pack-'));
    const destination = join(work, 'tarballs');
    mkdirSync(destination);
    const pnpm = readJson<{ packageManager: string }>(join(root, 'package.json')).packageManager;
    const filters = publicPackages.flatMap(({ manifest }) => ['--filter', manifest.name]);
    run('npx', ['--yes', pnpm, '-r', ...filters, 'pack', '--pack-destination', destination], root);
    tarballs = new Map(
      publicPackages.map(({ manifest }) => [
        manifest.name,
        join(destination, tarballName(manifest.name, manifest.version)),
      ]),
    );
    hf = await startFakeHf();
  }, 120_000);
  // Two npm installs' node_modules take more than the default 20 s to delete on a busy machine (over 120 s
  // once, at load 20); deleted asynchronously so the hook's timer and the fake's close keep running meanwhile.
  afterAll(async () => {
    await hf?.close();
    if (work) await rm(work, { recursive: true, force: true });
  }, 300_000);

  it('packs six public packages whose manifests only point at shipped files', () => {
    expect([...tarballs.keys()].sort()).toEqual([
      '@infermux/cli',
      '@infermux/core',
      '@infermux/evolink',
      '@infermux/hf',
      '@infermux/openai-compatible',
      '@infermux/server',
    ]);
    for (const [name, tarball] of tarballs) {
      const files = entries(tarball);
      const manifest = JSON.parse(run('tar', ['-xOzf', tarball, 'package/package.json'], work)) as Manifest;
      console.log(`${name}: ${(statSync(tarball).size / 1024).toFixed(1)} KiB packed, ${files.length} files`);
      expect(files, name).toContain('LICENSE');
      expect(JSON.stringify(manifest.exports), name).not.toContain('@infermux/source');
      for (const target of [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})]) {
        expect(files, `${name}: ${target}`).toContain(target.replace(/^\.\//, ''));
      }
      for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        if (dependency.startsWith('@infermux/')) expect(range, `${name} → ${dependency}`).toMatch(/^\^\d/);
      }
      // A chunk is `name-HASH.js`: one name twice means a module shipped twice.
      const chunkNames = files
        .filter((file) => /-[A-Z0-9]{8}\.js$/.test(file))
        .map((file) => file.replace(/-[A-Z0-9]{8}\.js$/, ''));
      const repeated = chunkNames.filter(
        (chunk, index) => chunk !== 'dist/chunk' && chunkNames.indexOf(chunk) !== index,
      );
      expect(repeated, name).toEqual([]);
    }
  });

  it('runs the CLI installed without the gateway: --version, run against a fake, one line for keys', async () => {
    const cli = npmInstall([
      '@infermux/cli',
      '@infermux/core',
      '@infermux/hf',
      '@infermux/openai-compatible',
      '@infermux/evolink',
    ]);
    console.log(`npm install of the CLI alone: ${cli.seconds.toFixed(1)} s`);
    expect(existsSync(join(cli.dir, 'node_modules/@infermux/server'))).toBe(false);
    expect(existsSync(join(cli.dir, 'node_modules/better-sqlite3'))).toBe(false);
    const infermux = join(cli.dir, 'node_modules/.bin/infermux');
    const version = readJson<Manifest>(join(root, 'apps/cli/package.json')).version;
    expect(run(infermux, ['--version'], cli.dir).trim()).toBe(version);

    const env = cleanEnv(hfEnv(hf));
    const model = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
    const result = await runAsync(
      infermux,
      ['run', 'text-classification', '--model', model, '--json', 'I love it'],
      cli.dir,
      env,
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      task: 'text-classification',
      provider: 'hf',
      model: { id: model },
    });

    const keys = await runAsync(infermux, ['keys', 'list'], cli.dir, env);
    expect(keys.status).toBe(1);
    expect(keys.stderr.trim().split('\n')[0]).toContain('npm install -g @infermux/server');
    expect(keys.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 240_000);

  it("starts the gateway's bin until /healthz answers, with advice while SQLite is unbuilt", async () => {
    // Scripts skipped on purpose: better-sqlite3 compiles from source when no prebuilt binary can be
    // downloaded (about 3 minutes here). Its unbuilt state is what this checks first.
    const full = npmInstall([...tarballs.keys()], ['--ignore-scripts']);
    console.log(`npm install of the CLI and the gateway (install scripts skipped): ${full.seconds.toFixed(1)} s`);
    const gatewayBin = join(full.dir, 'node_modules/.bin/infermux-gateway');
    const port = await freePort();
    const env = cleanEnv({ PORT: String(port) });

    const unbuilt = await runAsync(gatewayBin, [], full.dir, env);
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr.trim().split('\n')).toHaveLength(1);
    expect(unbuilt.stderr).toContain('npm rebuild better-sqlite3');
    expect(unbuilt.stderr).toContain('pnpm approve-builds');

    // The workspace's build of the same version stands in for the compile; another version is rebuilt.
    const installed = join(full.dir, 'node_modules/better-sqlite3');
    const workspaceModule = createRequire(join(root, 'apps/server/package.json')).resolve(
      'better-sqlite3/package.json',
    );
    const workspaceDir = join(workspaceModule, '..');
    if (readJson<Manifest>(workspaceModule).version === readJson<Manifest>(join(installed, 'package.json')).version) {
      mkdirSync(join(installed, 'build/Release'), { recursive: true });
      const binary = 'build/Release/better_sqlite3.node';
      copyFileSync(join(workspaceDir, binary), join(installed, binary));
    } else {
      run('npm', ['rebuild', 'better-sqlite3'], full.dir, 600_000);
    }

    const gateway = startProcess(gatewayBin, [], full.dir, env);
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/healthz`, gateway.child, gateway.output)).toBe(200);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
    gatewayInstall = full.dir;
  }, 240_000);

  // No image can be built here (no Docker daemon): the runtime stage's CMD runs as written, with the
  // ENV it sets, its WORKDIR and /app mapped to this install, until its HEALTHCHECK passes.
  it("runs the Dockerfile's CMD with its ENV until its HEALTHCHECK (/readyz) passes", async () => {
    expect(gatewayInstall, 'needs the gateway install of the test above').toBeDefined();
    const app = gatewayInstall as string;
    const runtime = dockerRuntimeStage(readFileSync(join(root, 'Dockerfile'), 'utf8'));
    expect(runtime.env).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '8080',
      NODE_ENV: 'production',
      INFERMUX_CONFIG: '/app/infermux.config.yaml',
    });
    expect(runtime.user).toBe('node');
    expect(runtime.volumes).toContain(runtime.workdir);
    const data = mkdtempSync(join(work, 'data-'));
    const inContainer = (word: string) => word.replace(/^\/app\//, `${app}/`).replace(/^\/data\b/, data);
    // Only the port changes: 8080 may be taken on this machine.
    const port = String(await freePort());
    // The image's COPY of its config, and the key an operator must set (without it the gateway refuses to start).
    const config = readFileSync(join(root, 'deploy/container.config.yaml'), 'utf8');
    writeFileSync(inContainer(runtime.env.INFERMUX_CONFIG ?? ''), config);
    const gatewayKey = 'container-test-key-0123456789abcdef';
    // ENV paths point into the container like CMD's (XDG_DATA_HOME=/data puts the ledger in the volume).
    const env = cleanEnv({
      ...Object.fromEntries(Object.entries(runtime.env).map(([name, value]) => [name, inContainer(value)])),
      PORT: port,
      INFERMUX_GATEWAY_KEY: gatewayKey,
      // A provider token, as compose.yaml passes on: with none, no provider can serve and /readyz says not ready.
      HF_TOKEN: 'hf_containerTestToken0123',
    });
    const [command, ...args] = runtime.cmd.map(inContainer);
    const gateway = startProcess(command === 'node' ? process.execPath : (command as string), args, data, env);
    try {
      expect(await waitForStatus(`http://127.0.0.1:${port}/readyz`, gateway.child, gateway.output)).toBe(200);
      // Bound to 0.0.0.0: nothing is served without the key, everything with it.
      expect((await fetch(`http://127.0.0.1:${port}/v1/usage`)).status).toBe(401);
      const withKey = await fetch(`http://127.0.0.1:${port}/v1/usage`, {
        headers: { authorization: `Bearer ${gatewayKey}` },
      });
      expect(withKey.status).toBe(200);
      const [checkCommand, ...checkArgs] = runtime.healthcheck;
      const check = await runAsync(
        checkCommand === 'node' ? process.execPath : (checkCommand as string),
        checkArgs,
        data,
        env,
      );
      expect(check.status).toBe(0);
      expect(existsSync(join(data, 'infermux/gateway.sqlite')), 'the ledger is in the volume').toBe(true);
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  }, 60_000);
});
