// A distributed batch end to end, bounded: N lines enqueued with `infermux batch --queue`, run by W
// `infermux worker` processes against a dedicated endpoint of the fake HF upstream that takes lists (so
// workers send native batches: upstream calls per item are reported) on loopback; one worker is SIGKILLed
// once KILL_AT of the lines are recorded and started again. Checks the output holds every input id
// exactly once, prints the figures as JSON and exits non-zero when any id is missing or repeated.
//   node bench/distributed-batch.mjs [--lines 100000] [--workers 3] [--concurrency 32] [--kill-at 0.4]
//     [--redis redis://127.0.0.1:6379] [--dir <keep files here>] [--timeout-ms 900000]
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { FAKE_HF_VALID_TOKEN, startFakeHf } from '@infermux/testkit';
import { Redis } from 'ioredis';

const { values: flags } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    workers: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    'kill-at': { type: 'string', default: '0.4' },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    dir: { type: 'string' },
    'timeout-ms': { type: 'string', default: '900000' },
  },
});
const LINES = Number(flags.lines);
const WORKERS = Number(flags.workers);
const KILL_AT = Number(flags['kill-at']);
const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const MODEL = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const texts = ['I love this', 'this is terrible', 'great stuff, really', 'not good at all', 'an amazing piece of work'];

const dir = flags.dir ?? mkdtempSync(join(tmpdir(), 'infermux-distributed-'));
mkdirSync(dir, { recursive: true });
const prefix = `infermux-bench-${process.pid}-${Date.now()}`;
const hf = await startFakeHf({ endpoints: [{ name: 'sentiment', model: MODEL, takesLists: true }] });
const redis = new Redis(flags.redis, { maxRetriesPerRequest: 1 });
const config = join(dir, 'infermux.config.json');
writeFileSync(
  config,
  JSON.stringify({ providers: { hf: { type: 'hf', endpointUrl: hf.endpointUrl('sentiment'), hubURL: hf.hubURL } } }),
);
const env = {
  ...process.env,
  NO_COLOR: '1',
  HF_TOKEN: FAKE_HF_VALID_TOKEN,
  INFERMUX_CONFIG: config,
};
const children = new Set();

function start(args) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderrText = '';
  child.stderr.on('data', (chunk) => (child.stderrText += chunk));
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  children.add(child);
  child.exited.then(() => children.delete(child));
  return child;
}
const startWorker = () =>
  start(['worker', '--queue', flags.redis, '--queue-prefix', prefix, '-j', flags.concurrency, '--stalled-ms', '2000']);

async function recorded() {
  const [key] = await redis.keys(`${prefix}:batch:*:results`);
  return key ? redis.hlen(key) : 0;
}

let summary;
try {
  const input = createWriteStream(join(dir, 'in.jsonl'));
  for (let index = 0; index < LINES; index++) {
    const line = `${JSON.stringify({ id: `row-${index}`, inputs: texts[index % texts.length] })}\n`;
    if (!input.write(line)) await new Promise((resolve) => input.once('drain', resolve));
  }
  await new Promise((resolve) => input.end(resolve));

  const started = performance.now();
  const enqueuer = start([
    'batch',
    'text-classification',
    'in.jsonl',
    '-o',
    'out.jsonl',
    '--model',
    MODEL,
    '--queue',
    flags.redis,
    '--queue-prefix',
    prefix,
    '--no-progress',
  ]);
  const workers = Array.from({ length: WORKERS }, startWorker);
  const deadline = Date.now() + Number(flags['timeout-ms']);
  let killedAt;
  let enqueuerDone = false;
  enqueuer.exited.then(() => (enqueuerDone = true));
  while (killedAt === undefined && !enqueuerDone && Date.now() < deadline) {
    const count = await recorded();
    if (count >= LINES * KILL_AT) {
      killedAt = count;
      workers[0].kill('SIGKILL');
      await workers[0].exited;
      workers[0] = startWorker();
    } else await sleep(50);
  }
  const ended = await Promise.race([
    enqueuer.exited,
    sleep(Math.max(0, deadline - Date.now()), undefined, { ref: false }),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const ids = readFileSync(join(dir, 'out.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).id);
  const unique = new Set(ids);
  let missing = 0;
  for (let index = 0; index < LINES; index++) if (!unique.has(`row-${index}`)) missing += 1;
  summary = {
    lines: LINES,
    workers: WORKERS,
    concurrencyPerWorker: Number(flags.concurrency),
    seconds: Number(seconds.toFixed(1)),
    itemsPerSecond: Math.round(LINES / seconds),
    // Lines killed mid-call run again, so a little above calls per batch of lines.
    upstreamCallsPerItem: Number((hf.server.requestCount / LINES).toFixed(4)),
    outputLines: ids.length,
    duplicates: ids.length - unique.size,
    missing,
    inInputOrder: ids.every((id, index) => id === `row-${index}`),
    workerKilledAtRecorded: killedAt,
    enqueuerExit: ended?.code ?? 'timed out',
    enqueuerStderr: enqueuer.stderrText.trim().split('\n').slice(-2),
  };
} finally {
  for (const child of children) child.kill('SIGKILL');
  const keys = await redis.keys(`${prefix}:*`);
  for (let index = 0; index < keys.length; index += 500) await redis.del(...keys.slice(index, index + 500));
  redis.disconnect();
  await hf.close();
  if (!flags.dir) rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(summary, null, 2));
process.exitCode = summary.duplicates === 0 && summary.missing === 0 && summary.enqueuerExit === 0 ? 0 : 1;
