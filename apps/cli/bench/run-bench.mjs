// `pnpm bench` for the CLI: batch throughput and peak RSS against the fake HF upstream, beside a
// bare undici loop doing the same work at the same concurrency; RSS on a 1M-line file vs a
// 10k-line one; `infermux --help` start-up vs `node -e 0`. Prints ratios, saves JSON in results/.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, startFakeHf, startFakeServer } from '@infermux/testkit';
import { benchNativeBatch } from './native-batch.mjs';

const here = new URL('.', import.meta.url).pathname;
const bin = join(here, '../dist/bin.js');
const MODEL = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const THROUGHPUT_LINES = Number(process.env.BENCH_LINES ?? 100_000);
/** The 1M-line run is cut after this long: enough to show whether memory grows with the file. */
const BIG_RUN_MS = Number(process.env.BENCH_BIG_RUN_MS ?? 30_000);
const texts = ['I love this', 'this is terrible', 'great stuff, really', 'not good at all', 'an amazing piece of work'];

async function writeInput(path, count) {
  const stream = createWriteStream(path);
  for (let index = 0; index < count; index++) {
    const line = `${JSON.stringify({ id: `row-${index}`, inputs: texts[index % texts.length] })}\n`;
    if (!stream.write(line)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  await new Promise((resolve) => stream.end(resolve));
}

/** Peak (VmHWM) or current (VmRSS) resident memory of a child in MB, read from /proc while it runs. */
function rssMb(pid, field = 'VmHWM') {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function runChild(args, { env, killAfterMs } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let peak = 0;
  /** Current RSS every 5 s: flat memory shows as a flat series, whatever the file size. */
  const series = [];
  let ticks = 0;
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(child.pid) ?? 0);
    if (++ticks % 50 === 0) series.push(Math.round(rssMb(child.pid, 'VmRSS') ?? 0));
  }, 100);
  const killer = killAfterMs ? setTimeout(() => child.kill('SIGINT'), killAfterMs) : undefined;
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearInterval(sampler);
      clearTimeout(killer);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakRssMb: peak, rssEvery5sMb: series, stderr });
    });
  });
}

function countLines(path) {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeCommand(args, runs) {
  const times = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return times;
}

const dir = mkdtempSync(join(tmpdir(), 'infermux-cli-bench-'));
const server = await startFakeServer({ record: false });
const hf = await startFakeHf({ server });
const env = { HF_TOKEN: FAKE_HF_VALID_TOKEN, HF_BASE_URL: hf.url, HF_HUB_URL: hf.hubURL };
const cli = (input, output) => [
  bin,
  'batch',
  'text-classification',
  input,
  '-o',
  output,
  '--model',
  MODEL,
  '-j',
  String(CONCURRENCY),
];
const results = {
  date: new Date().toISOString(),
  node: process.version,
  concurrency: CONCURRENCY,
  lines: THROUGHPUT_LINES,
};

try {
  console.log(`writing inputs in ${dir} …`);
  await writeInput(join(dir, 'throughput.jsonl'), THROUGHPUT_LINES);
  await writeInput(join(dir, 'small.jsonl'), 10_000);
  await writeInput(join(dir, 'big.jsonl'), 1_000_000);

  // Warm the fake (JIT) so neither side pays for it.
  await runChild(
    [
      'bare-loop.mjs',
      join(dir, 'small.jsonl'),
      join(dir, 'warm.jsonl'),
      hf.url,
      MODEL,
      FAKE_HF_VALID_TOKEN,
      String(CONCURRENCY),
    ].map((part, index) => (index === 0 ? join(here, part) : part)),
  );

  console.log(`batch: ${THROUGHPUT_LINES} lines, concurrency ${CONCURRENCY} …`);
  const bare = await runChild([
    join(here, 'bare-loop.mjs'),
    join(dir, 'throughput.jsonl'),
    join(dir, 'bare-out.jsonl'),
    hf.url,
    MODEL,
    FAKE_HF_VALID_TOKEN,
    String(CONCURRENCY),
  ]);
  const batch = await runChild(cli(join(dir, 'throughput.jsonl'), join(dir, 'cli-out.jsonl')), { env });
  if (batch.code !== 0) throw new Error(`infermux batch exited ${batch.code}: ${batch.stderr}`);
  const batchLines = countLines(join(dir, 'cli-out.jsonl'));
  const bareLines = countLines(join(dir, 'bare-out.jsonl'));
  results.batch = {
    seconds: batch.seconds,
    itemsPerSecond: batchLines / batch.seconds,
    peakRssMb: batch.peakRssMb,
    rssEvery5sMb: batch.rssEvery5sMb,
    lines: batchLines,
  };
  results.bareLoop = {
    seconds: bare.seconds,
    itemsPerSecond: bareLines / bare.seconds,
    peakRssMb: bare.peakRssMb,
    lines: bareLines,
  };

  console.log(`native batches vs one call per line: ${THROUGHPUT_LINES} lines on a dedicated endpoint …`);
  results.nativeBatch = await benchNativeBatch({
    bin,
    dir,
    input: join(dir, 'throughput.jsonl'),
    lines: THROUGHPUT_LINES,
    concurrency: CONCURRENCY,
    countLines,
  });

  console.log('RSS: 10k lines vs 1M lines …');
  const small = await runChild(cli(join(dir, 'small.jsonl'), join(dir, 'small-out.jsonl')), { env });
  const big = await runChild(cli(join(dir, 'big.jsonl'), join(dir, 'big-out.jsonl')), { env, killAfterMs: BIG_RUN_MS });
  // Leak check: the same 1M-line run with V8's old space capped at 48 MB. V8 grows its heap lazily,
  // so uncapped peaks differ with run length; a per-item leak would crash this run, flat memory does not.
  const capped = await runChild(cli(join(dir, 'big.jsonl'), join(dir, 'capped-out.jsonl')), {
    env: { ...env, NODE_OPTIONS: '--max-old-space-size=48' },
    killAfterMs: BIG_RUN_MS,
  });
  results.rss = {
    cappedHeap: {
      oldSpaceMb: 48,
      processed: countLines(join(dir, 'capped-out.jsonl')),
      peakRssMb: capped.peakRssMb,
      rssEvery5sMb: capped.rssEvery5sMb,
      exitCode: capped.code,
    },
    smallFile: { lines: 10_000, processed: countLines(join(dir, 'small-out.jsonl')), peakRssMb: small.peakRssMb },
    bigFile: {
      lines: 1_000_000,
      fileMb: statSync(join(dir, 'big.jsonl')).size / 1e6,
      processed: countLines(join(dir, 'big-out.jsonl')),
      cutAfterMs: BIG_RUN_MS,
      peakRssMb: big.peakRssMb,
      rssEvery5sMb: big.rssEvery5sMb,
    },
  };

  console.log('start-up: infermux --help vs node -e 0 …');
  const runs = 15;
  const nodeTimes = [];
  const helpTimes = [];
  for (let index = 0; index < runs; index++) {
    nodeTimes.push(...timeCommand(['-e', '0'], 1));
    helpTimes.push(...timeCommand([bin, '--help'], 1));
  }
  results.startup = { runs, nodeMedianMs: median(nodeTimes), helpMedianMs: median(helpTimes) };

  const ratios = {
    itemsPerSecond: results.batch.itemsPerSecond,
    vsBareLoop: results.batch.itemsPerSecond / results.bareLoop.itemsPerSecond,
    rss1MOver10k: results.rss.bigFile.peakRssMb / results.rss.smallFile.peakRssMb,
    rss1MOver100k: results.rss.bigFile.peakRssMb / results.batch.peakRssMb,
    helpOverNode: results.startup.helpMedianMs / results.startup.nodeMedianMs,
  };
  results.ratios = ratios;
  results.targets = {
    itemsPerSecond: ratios.itemsPerSecond >= 5000,
    vsBareLoop: ratios.vsBareLoop >= 0.8,
    rssFlat: ratios.rss1MOver10k <= 1.1,
    noLeakUnderCappedHeap: results.rss.cappedHeap.exitCode === 130,
    helpWithin2x: ratios.helpOverNode <= 2,
    nativeCallsPerItem: results.nativeBatch.native.upstreamCallsPerItem <= 1 / 16,
    nativeItemsPerSecond: results.nativeBatch.native.itemsPerSecond >= 5000,
  };

  const row = (name, value, target, ok) =>
    console.log(`${name.padEnd(38)} ${value.padStart(14)}   ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
  console.log(`\n${'measure'.padEnd(38)} ${'value'.padStart(14)}   target`);
  row(
    `batch throughput (${CONCURRENCY} in flight)`,
    `${ratios.itemsPerSecond.toFixed(0)} items/s`,
    '>= 5000',
    results.targets.itemsPerSecond,
  );
  row('bare undici loop', `${results.bareLoop.itemsPerSecond.toFixed(0)} items/s`, '', true);
  row('batch / bare loop', `${ratios.vsBareLoop.toFixed(2)}x`, '>= 0.8x', results.targets.vsBareLoop);
  row(
    'peak RSS batch / bare (MB)',
    `${results.batch.peakRssMb.toFixed(0)} / ${results.bareLoop.peakRssMb.toFixed(0)}`,
    '',
    true,
  );
  row(
    `peak RSS 1M (cut ${BIG_RUN_MS / 1000}s) / 10k lines`,
    `${ratios.rss1MOver10k.toFixed(2)}x`,
    '<= 1.1x',
    results.targets.rssFlat,
  );
  row('peak RSS 1M / 100k lines', `${ratios.rss1MOver100k.toFixed(2)}x`, '', true);
  row(
    '1M lines, old space capped at 48 MB',
    `${results.rss.cappedHeap.processed} done`,
    'no OOM',
    results.rss.cappedHeap.exitCode === 130,
  );
  row(
    'infermux --help / node -e 0 (median)',
    `${ratios.helpOverNode.toFixed(2)}x`,
    '<= 2x',
    results.targets.helpWithin2x,
  );

  const { native, onePerItem } = results.nativeBatch;
  row(
    'native batches: upstream calls / item',
    `${native.upstreamCallsPerItem.toFixed(4)}`,
    '<= 0.0625',
    results.targets.nativeCallsPerItem,
  );
  row(
    'native batches: throughput',
    `${native.itemsPerSecond.toFixed(0)} items/s`,
    '>= 5000',
    results.targets.nativeItemsPerSecond,
  );
  row('one call per item: upstream calls / item', `${onePerItem.upstreamCallsPerItem.toFixed(4)}`, '', true);
  row('one call per item: throughput', `${onePerItem.itemsPerSecond.toFixed(0)} items/s`, '', true);
  // CPU per item is what load does not distort: 1e6 / (ms per 1,000) is the items/s one core could do.
  const cpuRow = (name, side) =>
    side.cpuMsPer1000Items !== undefined &&
    row(
      `${name}: CLI CPU / 1,000 items`,
      `${side.cpuMsPer1000Items.toFixed(1)} ms`,
      `(${(1e6 / side.cpuMsPer1000Items).toFixed(0)}/s/core)`,
      true,
    );
  cpuRow('native batches', native);
  cpuRow('one call per item', onePerItem);
  if (native.cut || onePerItem.cut)
    console.log(`  (a run was cut at BENCH_NATIVE_MAX_MS; its items/s counts what finished)`);

  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', 'latest.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nsaved ${file}`);
} finally {
  // The fake HF was given our server, so closing it leaves the server to us: left open, it kept this process alive.
  await hf.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
