// `pnpm bench` (CLI), issue #23: the same `infermux batch text-classification` of N lines against a dedicated
// endpoint whose container takes lists (the testkit fake HF, `takesLists`), once with native batches (the
// default) and once with `batch.lists: off` (one call per line): upstream calls per item, items/s and the CLI's
// own CPU per 1,000 items (the load-independent figure) of each. Each run is cut after BENCH_NATIVE_MAX_MS
// (SIGINT: the CLI records what finished), so the bench stops by itself however slow the machine.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAKE_HF_VALID_TOKEN, startFakeHf, startFakeServer } from '@infermux/testkit';

const MODEL = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const MAX_RUN_MS = Number(process.env.BENCH_NATIVE_MAX_MS ?? 120_000);
const cpuReport = fileURLToPath(new URL('./cpu-report.cjs', import.meta.url));
/** Exit code of a run cut by SIGINT (its finished lines are recorded). */
const INTERRUPTED = 130;

function run(bin, args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', cpuReport, bin, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGINT'), MAX_RUN_MS);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      const cpu = /cpu-microseconds: (\d+)/.exec(stderr);
      resolve({
        code,
        seconds: (performance.now() - started) / 1000,
        cpuMs: cpu ? Number(cpu[1]) / 1000 : undefined,
        stderr,
      });
    });
  });
}

/**
 * Runs `input` (N text-classification lines) through the CLI twice and returns both sides' numbers.
 * `countLines` reads how many results a run wrote.
 */
export async function benchNativeBatch({ bin, dir, input, lines, concurrency, countLines }) {
  const server = await startFakeServer({ record: false });
  const hf = await startFakeHf({ server, endpoints: [{ name: 'sentiment', model: MODEL, takesLists: true }] });
  const sides = {};
  try {
    for (const lists of ['auto', 'off']) {
      const config = join(dir, `native-batch-${lists}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          providers: {
            hf: { type: 'hf', endpointUrl: hf.endpointUrl('sentiment'), hubURL: hf.hubURL, batch: { lists } },
          },
        }),
      );
      const output = join(dir, `native-batch-${lists}.jsonl`);
      server.reset();
      const args = ['batch', 'text-classification', input, '-o', output, '--model', MODEL, '-j', String(concurrency)];
      const result = await run(bin, args, { HF_TOKEN: FAKE_HF_VALID_TOKEN, INFERMUX_CONFIG: config });
      if (result.code !== 0 && result.code !== INTERRUPTED)
        throw new Error(`infermux batch (lists ${lists}) exited ${result.code}: ${result.stderr}`);
      const done = countLines(output);
      sides[lists === 'auto' ? 'native' : 'onePerItem'] = {
        lines: done,
        cut: result.code === INTERRUPTED,
        seconds: result.seconds,
        itemsPerSecond: done / result.seconds,
        // Start-up included: at 100k lines it is a few percent.
        cpuMsPer1000Items: result.cpuMs === undefined ? undefined : (result.cpuMs * 1000) / done,
        upstreamCalls: server.requestCount,
        upstreamCallsPerItem: server.requestCount / done,
      };
    }
  } finally {
    await hf.close();
    await server.close();
  }
  return { lines, concurrency, ...sides };
}
