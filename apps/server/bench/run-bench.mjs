// `pnpm bench` for the gateway: the gateway (routing, keys, metrics and the SQLite ledger on)
// against a bare undici passthrough proxy and the upstream itself, on a loopback fake
// upstream. Prints ratios and saves JSON under bench/results/. Everything runs on 127.0.0.1,
// each scenario for a fixed time and request cap. `--profile` adds a CPU profile of the gateway.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './load-generator.mjs';
import { summariseProfile } from './profile-summary.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serverRoot = join(here, '..');
const profile = process.argv.includes('--profile');
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const GATEWAY_KEY = 'imx_benchmarkGatewayKey000000000000';
const work = mkdtempSync(join(tmpdir(), 'infermux-bench-'));

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const pin = hasTaskset();
// Target (proxy or gateway) alone on CPU 1; the upstream and the load generator share CPU 0.
if (pin) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });

function start(name, script, args, env, cpu) {
  const command = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', String(cpu), process.execPath, ...args, script] : [...args, script];
  const child = spawn(command, argv, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: work });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 20_000);
    child.stdout.on('data', () => {
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ name, child, url: match[1], output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${output}`)));
  });
}

async function stop(target) {
  target.child.removeAllListeners('exit');
  const exited = new Promise((resolve) => target.child.once('exit', resolve));
  target.child.kill('SIGTERM');
  await exited;
}

/** CPU seconds (user + system) the process has used: /proc/<pid>/stat, clock ticks of 1/100 s. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const read = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rssMb: read('VmRSS'), peakRssMb: read('VmHWM') };
}

const scenarios = [
  { id: 'chat-c1', label: 'chat, 1 connection', connections: 1, stream: false },
  { id: 'chat-c64', label: 'chat, 64 connections', connections: 64, stream: false },
  { id: 'stream-c16', label: 'streaming chat, 16 connections', connections: 16, stream: true },
];

function body(model, stream) {
  return JSON.stringify({
    model,
    messages: [{ role: 'user', content: 'Say something short.' }],
    max_tokens: 32,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

async function measure(target, scenario, model, pid) {
  const before = pid ? cpuSeconds(pid) : 0;
  const result = await runLoad({
    url: target.url,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
    body: body(model, scenario.stream),
    connections: scenario.connections,
    durationMs,
    warmupMs,
  });
  const cpu = pid ? cpuSeconds(pid) - before : Number.NaN;
  const totalRequests = result.requests / (durationMs / (durationMs + warmupMs)); // CPU covers warm-up too
  return {
    ...result,
    cpuPercent: pid ? (cpu / ((durationMs + warmupMs) / 1000)) * 100 : Number.NaN,
    cpuMicrosPerRequest: pid ? (cpu / totalRequests) * 1e6 : Number.NaN,
    ...(pid ? memory(pid) : {}),
  };
}

const results = {};
const upstream = await start('upstream', join(here, 'fake-upstream.mjs'), [], {}, 0);
const gatewayConfig = join(work, 'gateway.json');
writeFileSync(
  gatewayConfig,
  JSON.stringify({
    providers: { bench: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, apiKey: 'sk-bench-upstream-key-0000' } },
    routes: { 'bench-chat': { targets: [{ model: 'bench:gpt-4o-mini' }] } },
    prices: { version: 'bench', models: { 'bench:*': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } } },
    server: { keys: [{ name: 'bench', keyEnv: 'BENCH_GATEWAY_KEY' }], ledger: { path: join(work, 'ledger.sqlite') }, logging: { level: 'info' } },
  }),
);

try {
  for (const scenario of scenarios) {
    results[scenario.id] = { label: scenario.label };
    results[scenario.id].direct = await measure(upstream, scenario, 'gpt-4o-mini', upstream.child.pid);
    const proxy = await start('bare proxy', join(here, 'bare-proxy.mjs'), [], { UPSTREAM_URL: upstream.url }, 1);
    results[scenario.id].bareProxy = await measure(proxy, scenario, 'gpt-4o-mini', proxy.child.pid);
    await stop(proxy);
    const profileDir = join(work, `profile-${scenario.id}`);
    // BENCH_GATEWAY_FLAGS: extra node flags for the gateway only (e.g. --max-semi-space-size=4 to trade CPU for RSS).
    const extraFlags = (process.env.BENCH_GATEWAY_FLAGS ?? '').split(' ').filter(Boolean);
    const gatewayArgs = [...extraFlags, ...(profile && scenario.id !== 'chat-c1' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const gateway = await start('gateway', join(serverRoot, 'dist', 'main.js'), gatewayArgs, { INFERMUX_CONFIG: gatewayConfig, PORT: '0', BENCH_GATEWAY_KEY: GATEWAY_KEY }, 1);
    results[scenario.id].gateway = await measure(gateway, scenario, 'bench-chat', gateway.child.pid);
    await stop(gateway);
    if (profile && scenario.id !== 'chat-c1') {
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      results[scenario.id].gatewayProfile = summariseProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
    }
  }
} finally {
  await stop(upstream).catch(() => undefined);
}

// The ledger really was on: one row per gateway request.
const Database = (await import('better-sqlite3')).default;
const ledger = new Database(join(work, 'ledger.sqlite'), { readonly: true });
const ledgerRows = ledger.prepare('SELECT COUNT(*) AS n FROM usage_ledger').get().n;
ledger.close();

const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
const summary = {};
const lines = [];
const pad = (text, width) => String(text).padEnd(width);
lines.push(`${pad('scenario', 32)}${pad('target', 12)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('+p50 ms', 9)}${pad('CPU %', 8)}${pad('CPU µs/req', 12)}RSS MB`);
for (const scenario of scenarios) {
  const entry = results[scenario.id];
  for (const key of ['direct', 'bareProxy', 'gateway']) {
    const row = entry[key];
    const added = row.p50Ms - entry.direct.p50Ms;
    row.addedP50Ms = key === 'direct' ? 0 : added;
    lines.push(
      `${pad(key === 'direct' ? entry.label : '', 32)}${pad(key, 12)}${pad(Math.round(row.throughput), 10)}${pad(round(row.p50Ms, 3), 9)}${pad(round(row.p99Ms, 3), 9)}${pad(key === 'direct' ? '' : round(added, 3), 9)}${pad(round(row.cpuPercent, 0), 8)}${pad(round(row.cpuMicrosPerRequest, 0), 12)}${round(row.rssMb, 0) ?? ''}`,
    );
  }
  summary[scenario.id] = {
    throughputRatio: round(entry.gateway.throughput / entry.bareProxy.throughput, 3),
    cpuPerRequestRatio: round(entry.gateway.cpuMicrosPerRequest / entry.bareProxy.cpuMicrosPerRequest, 2),
    addedP50OverBareMs: round(entry.gateway.addedP50Ms - entry.bareProxy.addedP50Ms, 3),
    p99Ratio: round(entry.gateway.p99Ms / entry.bareProxy.p99Ms, 2),
    gatewayRssMb: round(entry.gateway.rssMb, 0),
    gatewayPeakRssMb: round(entry.gateway.peakRssMb, 0),
    gatewayErrors: entry.gateway.errors,
  };
}
const targets = {
  'throughput at 64 connections >= 0.85x bare proxy': summary['chat-c64'].throughputRatio >= 0.85,
  'streaming throughput at 16 connections >= 0.85x bare proxy': summary['stream-c16'].throughputRatio >= 0.85,
  'added p50 at 1 connection within 0.1 ms of the bare proxy': summary['chat-c1'].addedP50OverBareMs <= 0.1,
  'gateway RSS <= 120 MB': Math.max(...scenarios.map((scenario) => summary[scenario.id].gatewayPeakRssMb)) <= 120,
};

lines.push('', 'gateway / bare proxy:');
for (const scenario of scenarios) {
  const item = summary[scenario.id];
  lines.push(
    `  ${pad(scenario.label, 32)} throughput ${item.throughputRatio}x, CPU per request ${item.cpuPerRequestRatio}x, p99 ${item.p99Ratio}x, added p50 over bare ${item.addedP50OverBareMs} ms, RSS ${item.gatewayRssMb} MB (peak ${item.gatewayPeakRssMb})`,
  );
}
lines.push('', 'targets:');
for (const [name, met] of Object.entries(targets)) lines.push(`  ${met ? 'MET    ' : 'MISSED '} ${name}`);
lines.push('', `ledger rows written during the gateway runs: ${ledgerRows}; CPU pinning: ${pin ? 'target on CPU 1, upstream + load generator on CPU 0' : 'none (taskset not available)'}`);
for (const scenario of scenarios) {
  const profiled = results[scenario.id].gatewayProfile;
  if (!profiled) continue;
  lines.push('', `gateway CPU profile, ${scenario.label} (busy time by part of the request path):`);
  for (const item of profiled) lines.push(`  ${pad(item.part, 60)} ${item.percent.toFixed(1)}%`);
}
process.stdout.write(`${lines.join('\n')}\n`);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  durationMs,
  warmupMs,
  pinned: pin,
  gatewayFlags: process.env.BENCH_GATEWAY_FLAGS ?? '',
  ledgerRows,
  results,
  summary,
  targets,
};
const stamp = report.date.replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `bench-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
