// `pnpm bench` for the gateway: the gateway (routing, keys, metrics and the SQLite ledger on)
// against a bare undici passthrough proxy and the upstream itself, on a loopback fake
// upstream. Prints ratios and saves JSON under bench/results/. Everything runs on 127.0.0.1,
// each window for a fixed time and request cap.
//
// The machines this runs on are shared: their speed drifts by 2x within minutes. So the proxy and
// the gateway run side by side, and the load alternates between them in short rounds (the order
// rotating); a ratio is the median of the per-round ratios, which drift cancels out of.
// The gateway runs twice, once per ledger mode (`ledger.commit: batched`, the default, and
// `before-response`), each its own process and ledger, so one run prints what durability costs.
// BENCH_LEDGER=postgres adds a target to the same rounds, `gatewayShared`: the same gateway with its keys and
// ledger in PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a schema of its own
// dropped at the end), so shared state is compared with the embedded defaults and the bare proxy.
// `--profile` adds one CPU-profiled window of each at 64 connections and for streams, and prints
// what each part of the request path costs per request, gateway against proxy.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChatGatewayConfig } from './chat-gateway-config.mjs';
import { runLoad } from './load-generator.mjs';
import { openBenchSchema } from './postgres-schema.mjs';
import { summariseProfile } from './profile-summary.mjs';
import { spawnListening } from './spawn-listening.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serverRoot = join(here, '..');
const profile = process.argv.includes('--profile');
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 2000);
const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 1500);
const LEAD_IN_MS = 300;
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
// Targets (proxy, gateway) on CPU 1; the upstream and the load generator share CPU 0.
if (pin) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });

function start(name, script, args, env, cpu) {
  const command = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', String(cpu), process.execPath, ...args, script] : [...args, script];
  return spawnListening(name, command, argv, { env, cwd: work });
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
function memoryMb(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024;
}
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)];
};

const allScenarios = [
  { id: 'chat-c1', label: 'chat, 1 connection', connections: 1, stream: false },
  { id: 'chat-c64', label: 'chat, 64 connections', connections: 64, stream: false },
  { id: 'stream-c16', label: 'streaming chat, 16 connections', connections: 16, stream: true },
];
// BENCH_SCENARIOS=chat-c64,stream-c16 runs only those (the targets then report only what ran).
const only = process.env.BENCH_SCENARIOS?.split(',');
const scenarios = only ? allScenarios.filter((scenario) => only.includes(scenario.id)) : allScenarios;
/** `gatewayBeforeResponse`: the same gateway with `ledger.commit: before-response` (issue #17). */
const sharedLedger = process.env.BENCH_LEDGER === 'postgres';
const TARGETS = ['direct', 'bareProxy', 'gateway', 'gatewayBeforeResponse', ...(sharedLedger ? ['gatewayShared'] : [])];
const targetLabel = {
  direct: 'direct',
  bareProxy: 'bareProxy',
  gateway: 'gateway',
  gatewayBeforeResponse: 'gw commit',
  gatewayShared: 'gw postgres',
};
// Gateway coalescing off vs on (issue #23), selectable as `coalesce-c64`: the two gateways side by side.
const coalesceScenario = {
  id: 'coalesce-c64',
  label: 'text-classification, 64 connections',
  connections: 64,
  path: '/v1/tasks/text-classification',
  // One text per request: the single-input callers coalescing is for.
  body: (target) => JSON.stringify({ model: target.model, input: { inputs: `a review, this one ${Math.random()}` } }),
};
const runCoalesce = !only || only.includes(coalesceScenario.id);
// Shared state (issue #22), selectable as `state-c64`: a key with rpm, tpm and a budget (high enough never to
// refuse) on one gateway with its limits in Redis, the same gateway on embedded (in-memory) limits, and the bare
// proxy, side by side. Redis is a redis-server of the bench's own on a free port (nothing on disk), so the round
// trips counted are this gateway's alone. BENCH_STATE=0 leaves the scenario out.
const stateScenario = { id: 'state-c64', label: 'chat, 64 connections, key limits', connections: 64, stream: false };
const runState = process.env.BENCH_STATE !== '0' && (!only || only.includes(stateScenario.id));
/** Per-call "inference" time of the coalescing scenario's endpoint: batching pays where calls cost time. */
const ENDPOINT_MS = Number(process.env.BENCH_ENDPOINT_MS ?? 2);

function loadFor(target, scenario) {
  if (scenario.body) {
    return {
      url: target.url,
      path: scenario.path,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
      body: scenario.body(target),
      connections: scenario.connections,
    };
  }
  return {
    url: target.url,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: 'Say something short.' }],
      max_tokens: 32,
      ...(scenario.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
    connections: scenario.connections,
  };
}

/**
 * One loaded window on `target`, after a short unmeasured lead-in (its connections re-opened, its
 * caches warm again after the other targets' turns): throughput, latency, its CPU per request, and
 * its RSS sampled as it runs.
 */
async function measure(target, scenario) {
  const pid = target.child.pid;
  const rssSamples = [];
  let sampler;
  let before = 0;
  let from = 0n;
  const result = await runLoad({
    ...loadFor(target, scenario),
    durationMs,
    warmupMs: LEAD_IN_MS,
    onMeasureStart: () => {
      before = cpuSeconds(pid);
      from = process.hrtime.bigint();
      sampler = setInterval(() => rssSamples.push(memoryMb(pid, 'VmRSS')), 250);
    },
  });
  const to = process.hrtime.bigint();
  const cpu = cpuSeconds(pid) - before;
  clearInterval(sampler);
  const windowSeconds = Number(to - from) / 1e9;
  return {
    ...result,
    cpuPercent: (cpu / windowSeconds) * 100,
    cpuMicrosPerRequest: (cpu / (result.throughput * windowSeconds)) * 1e6,
    rssSamples,
    window: { fromUs: Number(from / 1000n), toUs: Number(to / 1000n) },
  };
}

const benchSchema = sharedLedger ? await openBenchSchema('infermux_bench') : undefined;

const upstream = await start('upstream', join(here, 'fake-upstream.mjs'), [], { ENDPOINT_MS: String(ENDPOINT_MS) }, 0);
upstream.model = 'gpt-4o-mini';
/** The gateway's config with one ledger mode, each mode with its own ledger file; `postgres`: its ledger settings. */
function gatewayConfigFor(commit, postgres) {
  const name = `${commit}${postgres ? '-postgres' : ''}`;
  return writeChatGatewayConfig(join(work, `gateway-${name}.json`), {
    upstreamUrl: upstream.url,
    key: { name: 'bench', keyEnv: 'BENCH_GATEWAY_KEY' },
    ledger: { path: join(work, `ledger-${name}.sqlite`), commit, ...(postgres ? { postgres } : {}) },
  });
}
const gatewayConfig = gatewayConfigFor('batched');
const beforeResponseConfig = gatewayConfigFor('before-response');
const sharedConfig = benchSchema ? gatewayConfigFor('batched', { schema: benchSchema.name }) : undefined;
// BENCH_GATEWAY_FLAGS: extra node flags for the gateway only (e.g. --max-semi-space-size=4 to trade CPU for RSS).
const gatewayFlags = (process.env.BENCH_GATEWAY_FLAGS ?? '').split(' ').filter(Boolean);
const startProxy = (flags = []) =>
  start('bare proxy', join(here, 'bare-proxy.mjs'), flags, { UPSTREAM_URL: upstream.url }, 1).then((proxy) =>
    Object.assign(proxy, { model: 'gpt-4o-mini' }),
  );
const startGateway = (flags = [], config = gatewayConfig, model = 'bench-chat', env = {}) =>
  start(
    'gateway',
    join(serverRoot, 'dist', 'main.js'),
    [...gatewayFlags, ...flags],
    { INFERMUX_CONFIG: config, PORT: '0', BENCH_GATEWAY_KEY: GATEWAY_KEY, ...env },
    1,
  ).then((gateway) => Object.assign(gateway, { model }));

/** A gateway in front of the upstream's `/endpoint` (a dedicated HF endpoint taking lists), coalescing or not. */
function coalesceConfig(coalesce) {
  const file = join(work, `gateway-coalesce-${coalesce ? 'on' : 'off'}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      providers: { ep: { type: 'hf', endpointUrl: `${upstream.url}/endpoint`, apiKey: 'hf_benchUpstreamToken0000' } },
      prices: { version: 'bench', models: { 'ep:*': { perRequest: 0.0001 } } },
      server: {
        keys: [{ name: 'bench', keyEnv: 'BENCH_GATEWAY_KEY' }],
        ledger: { path: join(work, 'ledger-batched.sqlite') },
        logging: { level: 'info' },
        ...(coalesce ? { coalesce: { windowMs: 2, maxBatchSize: 64 } } : {}),
      },
    }),
  );
  return file;
}

const upstreamStats = () => fetch(`${upstream.url}/stats`).then((response) => response.json());

/** Coalescing off vs on, alternating rounds as above: throughput, p50/p99 and upstream calls per request. */
async function benchCoalescing() {
  const model = 'ep:acme/sentiment';
  const sides = {
    off: await startGateway([], coalesceConfig(false), model),
    on: await startGateway([], coalesceConfig(true), model),
  };
  const windows = { off: [], on: [] };
  try {
    for (const key of ['off', 'on'])
      await runLoad({ ...loadFor(sides[key], coalesceScenario), durationMs: warmupMs, warmupMs: 0 });
    for (let round = 0; round < rounds; round++) {
      for (const key of round % 2 ? ['on', 'off'] : ['off', 'on']) {
        const before = await upstreamStats();
        const window = await measure(sides[key], coalesceScenario);
        const after = await upstreamStats();
        window.upstreamCallsPerItem = (after.calls - before.calls) / Math.max(1, after.items - before.items);
        windows[key].push(window);
      }
    }
  } finally {
    await stop(sides.off);
    await stop(sides.on);
  }
  const side = (key) => ({
    throughput: median(windows[key].map((w) => w.throughput)),
    p50Ms: median(windows[key].map((w) => w.p50Ms)),
    p99Ms: median(windows[key].map((w) => w.p99Ms)),
    cpuMicrosPerRequest: median(windows[key].map((w) => w.cpuMicrosPerRequest)),
    upstreamCallsPerItem: median(windows[key].map((w) => w.upstreamCallsPerItem)),
    errors: windows[key].reduce((sum, w) => sum + w.errors, 0),
  });
  return { label: coalesceScenario.label, endpointMs: ENDPOINT_MS, rounds: windows, off: side('off'), on: side('on') };
}

/** A redis-server of the bench's own on a port the OS picked (nothing on disk); undefined without the binary. */
async function startRedis() {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const { spawn } = await import('node:child_process');
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const started = await new Promise((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(false), 10_000);
    child.once('error', () => resolve(false));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  });
  if (!started) {
    child.kill('SIGKILL');
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, child };
}

/** Sums a counter's series on a gateway's /metrics. */
async function counterTotal(target, name) {
  const text = await (await fetch(`${target.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) total += Number(match[1]);
  return total;
}

/** Embedded limits vs Redis limits vs the bare proxy, alternating rounds: CPU per request and Redis round trips. */
async function benchSharedState() {
  const redis = await startRedis();
  if (!redis) return { label: stateScenario.label, skipped: 'no redis-server binary on the PATH' };
  const limitedKey = { name: 'bench', keyEnv: 'BENCH_GATEWAY_KEY', rpm: 100_000_000, tpm: 1_000_000_000_000 };
  const stateConfig = (state) => {
    const file = join(work, `gateway-state-${state ? 'redis' : 'embedded'}.json`);
    const config = JSON.parse(readFileSync(gatewayConfig, 'utf8'));
    config.server.keys = [limitedKey];
    // A ledger of its own: two gateways writing one SQLite file would measure their lock contention.
    config.server.ledger = {
      ...config.server.ledger,
      path: join(work, `ledger-state-${state ? 'redis' : 'embedded'}.sqlite`),
    };
    if (state) config.server.state = { redis: redis.url, keyPrefix: 'infermux-bench' };
    // BENCH_LEDGER=postgres: the Redis side also keeps its keys and ledger in PostgreSQL (the whole shared setup).
    if (state && benchSchema) config.server.ledger.postgres = { schema: benchSchema.name };
    writeFileSync(file, JSON.stringify(config));
    return file;
  };
  const sides = {
    bareProxy: await startProxy(),
    embedded: await startGateway([], stateConfig(false)),
    redis: await startGateway(
      [],
      stateConfig(true),
      'bench-chat',
      benchSchema ? { DATABASE_URL: benchSchema.url } : {},
    ),
  };
  const keys = Object.keys(sides);
  const windows = { bareProxy: [], embedded: [], redis: [] };
  try {
    for (const key of keys) await runLoad({ ...loadFor(sides[key], stateScenario), durationMs: warmupMs, warmupMs: 0 });
    for (let round = 0; round < rounds; round++) {
      for (const key of keys.map((_, index) => keys[(index + round) % keys.length])) {
        const counted = key !== 'bareProxy';
        const before = counted && {
          trips: await counterTotal(sides[key], 'infermux_state_round_trips_total'),
          requests: await counterTotal(sides[key], 'infermux_requests_total'),
        };
        const window = await measure(sides[key], stateScenario);
        if (counted) {
          const trips = (await counterTotal(sides[key], 'infermux_state_round_trips_total')) - before.trips;
          const requests = (await counterTotal(sides[key], 'infermux_requests_total')) - before.requests;
          window.redisRoundTripsPerRequest = trips / Math.max(1, requests);
        }
        windows[key].push(window);
      }
    }
  } finally {
    for (const key of keys) await stop(sides[key]);
    redis.child.kill('SIGKILL');
  }
  const side = (key) => ({
    throughput: median(windows[key].map((w) => w.throughput)),
    p50Ms: median(windows[key].map((w) => w.p50Ms)),
    p99Ms: median(windows[key].map((w) => w.p99Ms)),
    cpuMicrosPerRequest: median(windows[key].map((w) => w.cpuMicrosPerRequest)),
    redisRoundTripsPerRequest: median(windows[key].map((w) => w.redisRoundTripsPerRequest)),
    errors: windows[key].reduce((sum, w) => sum + w.errors, 0),
  });
  return {
    label: stateScenario.label,
    rounds: windows,
    bareProxy: side('bareProxy'),
    embedded: side('embedded'),
    redis: side('redis'),
    // Per-round ratios, as for the other scenarios (drift cancels out).
    redisVsEmbeddedThroughput: median(
      windows.redis.map((w, index) => w.throughput / windows.embedded[index].throughput),
    ),
    redisVsEmbeddedCpu: median(
      windows.redis.map((w, index) => w.cpuMicrosPerRequest / windows.embedded[index].cpuMicrosPerRequest),
    ),
    embeddedVsBareThroughput: median(
      windows.embedded.map((w, index) => w.throughput / windows.bareProxy[index].throughput),
    ),
  };
}

/** One profiled window of a freshly started target: µs of CPU per request by part of the request path. */
async function profileTarget(startTarget, scenario, directory) {
  const target = await startTarget(['--cpu-prof', `--cpu-prof-dir=${directory}`]);
  await runLoad({ ...loadFor(target, scenario), durationMs: warmupMs, warmupMs: 0 });
  const window = await measure(target, scenario);
  await stop(target);
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile'));
  const parts = summariseProfile(JSON.parse(readFileSync(join(directory, file), 'utf8')), window.window);
  const requests = window.throughput * ((window.window.toUs - window.window.fromUs) / 1e6);
  return Object.fromEntries(parts.map(({ part, busyUs }) => [part, busyUs / requests]));
}

const results = {};
try {
  for (const scenario of scenarios) {
    const targets = {
      direct: upstream,
      bareProxy: await startProxy(),
      gateway: await startGateway(),
      gatewayBeforeResponse: await startGateway([], beforeResponseConfig),
    };
    if (benchSchema)
      targets.gatewayShared = await startGateway([], sharedConfig, 'bench-chat', { DATABASE_URL: benchSchema.url });
    for (const key of TARGETS.slice(1))
      await runLoad({ ...loadFor(targets[key], scenario), durationMs: warmupMs, warmupMs: 0 });
    const windows = Object.fromEntries(TARGETS.map((key) => [key, []]));
    for (let round = 0; round < rounds; round++) {
      // Rotate who goes first so no target always follows the same neighbour.
      const order = TARGETS.map((_, index) => TARGETS[(index + round) % TARGETS.length]);
      for (const key of order) windows[key].push(await measure(targets[key], scenario));
    }
    const entry = { label: scenario.label, rounds: windows };
    for (const key of TARGETS) {
      entry[key] = {
        throughput: median(windows[key].map((w) => w.throughput)),
        p50Ms: median(windows[key].map((w) => w.p50Ms)),
        p99Ms: median(windows[key].map((w) => w.p99Ms)),
        cpuPercent: median(windows[key].map((w) => w.cpuPercent)),
        cpuMicrosPerRequest: median(windows[key].map((w) => w.cpuMicrosPerRequest)),
        errors: windows[key].reduce((sum, w) => sum + w.errors, 0),
        steadyRssMb: median(windows[key].flatMap((w) => w.rssSamples)),
        peakRssMb: memoryMb(targets[key].child.pid, 'VmHWM'),
      };
    }
    await stop(targets.bareProxy);
    await stop(targets.gateway);
    await stop(targets.gatewayBeforeResponse);
    if (targets.gatewayShared) await stop(targets.gatewayShared);
    if (profile && scenario.id !== 'chat-c1') {
      entry.profileMicrosPerRequest = {
        gateway: await profileTarget(startGateway, scenario, join(work, `profile-gateway-${scenario.id}`)),
        bareProxy: await profileTarget(startProxy, scenario, join(work, `profile-proxy-${scenario.id}`)),
      };
    }
    results[scenario.id] = entry;
  }
  if (runCoalesce) results[coalesceScenario.id] = await benchCoalescing();
  if (runState) results[stateScenario.id] = await benchSharedState();
} finally {
  await stop(upstream).catch(() => undefined);
}
// gatewayShared's rows, committed to PostgreSQL (its SIGTERM flushed them); the schema goes with them.
const sharedLedgerRows = benchSchema ? await benchSchema.rows() : undefined;
await benchSchema?.drop();

// The ledgers really were on: one row per gateway request, in each mode's own file.
const Database = (await import('better-sqlite3')).default;
const rowsIn = (commit) => {
  // A mode whose gateways did not run (BENCH_SCENARIOS) has no file.
  if (!existsSync(join(work, `ledger-${commit}.sqlite`))) return 0;
  const ledger = new Database(join(work, `ledger-${commit}.sqlite`), { readonly: true });
  const rows = ledger.prepare('SELECT COUNT(*) AS n FROM usage_ledger').get().n;
  ledger.close();
  return rows;
};
const ledgerRows = rowsIn('batched');
const beforeResponseLedgerRows = rowsIn('before-response');

const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
const pad = (text, width) => String(text).padEnd(width);
const perRound = (entry, read, gatewayKey = 'gateway') =>
  entry.rounds[gatewayKey].map((gateway, index) => read(gateway, entry.rounds.bareProxy[index]));
const summary = {};
const lines = [`${rounds} rounds of ${durationMs / 1000} s per target and scenario; medians over rounds`, ''];
lines.push(
  `${pad('scenario', 32)}${pad('target', 13)}${pad('req/s', 10)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('+p50 ms', 9)}${pad('CPU %', 8)}${pad('CPU µs/req', 12)}RSS MB (peak)`,
);
for (const scenario of scenarios) {
  const entry = results[scenario.id];
  for (const key of TARGETS) {
    const row = entry[key];
    row.addedP50Ms = key === 'direct' ? 0 : row.p50Ms - entry.direct.p50Ms;
    lines.push(
      `${pad(key === 'direct' ? entry.label : '', 32)}${pad(targetLabel[key], 13)}${pad(Math.round(row.throughput), 10)}${pad(round(row.p50Ms, 3), 9)}${pad(round(row.p99Ms, 3), 9)}${pad(key === 'direct' ? '' : round(row.addedP50Ms, 3), 9)}${pad(round(row.cpuPercent, 0), 8)}${pad(round(row.cpuMicrosPerRequest, 0), 12)}${round(row.steadyRssMb, 0)} (${round(row.peakRssMb, 0)})`,
    );
  }
  summary[scenario.id] = {
    throughputRatio: round(median(perRound(entry, (gateway, bare) => gateway.throughput / bare.throughput)), 3),
    throughputRatioRange: [
      round(Math.min(...perRound(entry, (g, b) => g.throughput / b.throughput)), 3),
      round(Math.max(...perRound(entry, (g, b) => g.throughput / b.throughput)), 3),
    ],
    cpuPerRequestRatio: round(
      median(perRound(entry, (gateway, bare) => gateway.cpuMicrosPerRequest / bare.cpuMicrosPerRequest)),
      2,
    ),
    addedP50OverBareMs: round(median(perRound(entry, (gateway, bare) => gateway.p50Ms - bare.p50Ms)), 3),
    p99Ratio: round(median(perRound(entry, (gateway, bare) => gateway.p99Ms / bare.p99Ms)), 2),
    gatewaySteadyRssMb: round(entry.gateway.steadyRssMb, 0),
    gatewayPeakRssMb: round(entry.gateway.peakRssMb, 0),
    bareSteadyRssMb: round(entry.bareProxy.steadyRssMb, 0),
    gatewayErrors: entry.gateway.errors,
    // The same gateway with `ledger.commit: before-response`, against the same bare-proxy rounds.
    beforeResponse: {
      throughputRatio: round(
        median(perRound(entry, (gateway, bare) => gateway.throughput / bare.throughput, 'gatewayBeforeResponse')),
        3,
      ),
      cpuPerRequestRatio: round(
        median(
          perRound(
            entry,
            (gateway, bare) => gateway.cpuMicrosPerRequest / bare.cpuMicrosPerRequest,
            'gatewayBeforeResponse',
          ),
        ),
        2,
      ),
      addedP50OverBareMs: round(
        median(perRound(entry, (gateway, bare) => gateway.p50Ms - bare.p50Ms, 'gatewayBeforeResponse')),
        3,
      ),
      errors: entry.gatewayBeforeResponse.errors,
    },
  };
  if (entry.gatewayShared) {
    const shared = (read) => median(entry.rounds.gatewayShared.map((row, index) => read(row, index)));
    summary[scenario.id].shared = {
      throughputVsEmbedded: round(
        shared((row, index) => row.throughput / entry.rounds.gateway[index].throughput),
        3,
      ),
      throughputVsBare: round(
        shared((row, index) => row.throughput / entry.rounds.bareProxy[index].throughput),
        3,
      ),
      cpuPerRequestVsEmbedded: round(
        shared((row, index) => row.cpuMicrosPerRequest / entry.rounds.gateway[index].cpuMicrosPerRequest),
        2,
      ),
      steadyRssMb: round(entry.gatewayShared.steadyRssMb, 0),
      errors: entry.gatewayShared.errors,
    };
  }
}
const targets = Object.fromEntries(
  [
    [
      'throughput at 64 connections >= 0.85x bare proxy',
      summary['chat-c64'] && summary['chat-c64'].throughputRatio >= 0.85,
    ],
    [
      'streaming throughput at 16 connections >= 0.85x bare proxy',
      summary['stream-c16'] && summary['stream-c16'].throughputRatio >= 0.85,
    ],
    [
      'added p50 at 1 connection within 0.1 ms of the bare proxy',
      summary['chat-c1'] && summary['chat-c1'].addedP50OverBareMs <= 0.1,
    ],
    [
      'gateway RSS <= 120 MB steady (median while loaded, every scenario)',
      scenarios.length > 0
        ? Math.max(...scenarios.map((scenario) => summary[scenario.id].gatewaySteadyRssMb)) <= 120
        : undefined,
    ],
  ].filter(([, met]) => met !== undefined),
);

lines.push('', 'gateway / bare proxy (median of per-round ratios; throughput range over rounds in brackets):');
for (const scenario of scenarios) {
  const item = summary[scenario.id];
  lines.push(
    `  ${pad(scenario.label, 32)} throughput ${item.throughputRatio}x [${item.throughputRatioRange.join('–')}], CPU per request ${item.cpuPerRequestRatio}x, p99 ${item.p99Ratio}x, added p50 over bare ${item.addedP50OverBareMs} ms, RSS ${item.gatewaySteadyRssMb} MB steady, ${item.gatewayPeakRssMb} peak (bare ${item.bareSteadyRssMb})`,
  );
}
lines.push('', 'the gateway with ledger.commit: before-response ("gw commit") / bare proxy, same rounds:');
for (const scenario of scenarios) {
  const item = summary[scenario.id].beforeResponse;
  lines.push(
    `  ${pad(scenario.label, 32)} throughput ${item.throughputRatio}x (batched ${summary[scenario.id].throughputRatio}x), CPU per request ${item.cpuPerRequestRatio}x, added p50 over bare ${item.addedP50OverBareMs} ms`,
  );
}
if (sharedLedger) {
  lines.push('', 'the gateway with keys and ledger in PostgreSQL ("gw postgres") / embedded gateway and / bare proxy:');
  for (const scenario of scenarios) {
    const item = summary[scenario.id].shared;
    lines.push(
      `  ${pad(scenario.label, 32)} throughput ${item.throughputVsEmbedded}x embedded, ${item.throughputVsBare}x bare; CPU per request ${item.cpuPerRequestVsEmbedded}x embedded; RSS ${item.steadyRssMb} MB steady; errors ${item.errors}`,
    );
  }
}
const coalesced = results[coalesceScenario.id];
if (coalesced) {
  lines.push(
    '',
    `gateway coalescing off vs on, ${coalesced.label}, endpoint ${coalesced.endpointMs} ms per call (medians over rounds):`,
  );
  for (const key of ['off', 'on']) {
    const row = coalesced[key];
    lines.push(
      `  ${pad(`coalescing ${key}`, 18)}${pad(`${Math.round(row.throughput)} req/s`, 14)}p50 ${pad(round(row.p50Ms, 2), 8)}p99 ${pad(round(row.p99Ms, 2), 8)}upstream calls/request ${round(row.upstreamCallsPerItem, 4)}, CPU ${round(row.cpuMicrosPerRequest, 0)} µs/req, errors ${row.errors}`,
    );
  }
  summary[coalesceScenario.id] = {
    throughputRatio: round(coalesced.on.throughput / coalesced.off.throughput, 3),
    p99Ratio: round(coalesced.on.p99Ms / coalesced.off.p99Ms, 2),
    upstreamCallsPerItem: {
      off: round(coalesced.off.upstreamCallsPerItem, 4),
      on: round(coalesced.on.upstreamCallsPerItem, 4),
    },
  };
}
const shared = results[stateScenario.id];
if (shared?.skipped) lines.push('', `shared state (Redis) scenario skipped: ${shared.skipped}`);
else if (shared) {
  lines.push('', `key limits in Redis vs embedded vs bare proxy, ${shared.label} (medians over rounds):`);
  for (const key of ['bareProxy', 'embedded', 'redis']) {
    const row = shared[key];
    lines.push(
      `  ${pad(key, 12)}${pad(`${Math.round(row.throughput)} req/s`, 14)}p50 ${pad(round(row.p50Ms, 2), 8)}p99 ${pad(round(row.p99Ms, 2), 8)}CPU ${pad(`${round(row.cpuMicrosPerRequest, 0)} µs/req`, 14)}${key === 'bareProxy' ? '' : `Redis round trips/request ${round(row.redisRoundTripsPerRequest, 3)}, `}errors ${row.errors}`,
    );
  }
  summary[stateScenario.id] = {
    redisVsEmbeddedThroughput: round(shared.redisVsEmbeddedThroughput, 3),
    redisVsEmbeddedCpuPerRequest: round(shared.redisVsEmbeddedCpu, 2),
    embeddedVsBareThroughput: round(shared.embeddedVsBareThroughput, 3),
    redisRoundTripsPerRequest: round(shared.redis.redisRoundTripsPerRequest, 3),
  };
  lines.push(
    `  Redis / embedded: throughput ${summary[stateScenario.id].redisVsEmbeddedThroughput}x, CPU per request ${summary[stateScenario.id].redisVsEmbeddedCpuPerRequest}x`,
  );
}
lines.push('', 'targets:');
for (const [name, met] of Object.entries(targets)) lines.push(`  ${met ? 'MET    ' : 'MISSED '} ${name}`);
lines.push(
  '',
  `ledger rows written during the gateway runs: ${ledgerRows} batched, ${beforeResponseLedgerRows} before-response${sharedLedgerRows === undefined ? '' : `, ${sharedLedgerRows} PostgreSQL (gw postgres)`}; CPU pinning: ${pin ? 'proxy and gateway on CPU 1, upstream + load generator on CPU 0' : 'none (taskset not available)'}`,
);
for (const scenario of scenarios) {
  const profiled = results[scenario.id].profileMicrosPerRequest;
  if (!profiled) continue;
  lines.push(
    '',
    `CPU per request by part of the request path, ${scenario.label} (µs, one profiled window each; the profiler adds its own cost):`,
  );
  lines.push(`  ${pad('part', 62)}${pad('gateway', 10)}${pad('bare', 10)}difference`);
  const parts = [...new Set([...Object.keys(profiled.gateway), ...Object.keys(profiled.bareProxy)])].sort(
    (a, b) => (profiled.gateway[b] ?? 0) - (profiled.gateway[a] ?? 0),
  );
  const total = { gateway: 0, bare: 0 };
  for (const part of parts) {
    const gateway = profiled.gateway[part] ?? 0;
    const bare = profiled.bareProxy[part] ?? 0;
    total.gateway += gateway;
    total.bare += bare;
    lines.push(
      `  ${pad(part, 62)}${pad(gateway.toFixed(1), 10)}${pad(bare.toFixed(1), 10)}${(gateway - bare >= 0 ? '+' : '') + (gateway - bare).toFixed(1)}`,
    );
  }
  lines.push(
    `  ${pad('total', 62)}${pad(total.gateway.toFixed(1), 10)}${pad(total.bare.toFixed(1), 10)}+${(total.gateway - total.bare).toFixed(1)}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
for (const entry of Object.values(results))
  for (const windows of Object.values(entry.rounds ?? {})) for (const window of windows) delete window.window;
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: (await import('node:os')).cpus().length,
  rounds,
  durationMs,
  warmupMs,
  pinned: pin,
  gatewayFlags: process.env.BENCH_GATEWAY_FLAGS ?? '',
  ledgerRows,
  beforeResponseLedgerRows,
  sharedLedgerRows,
  results,
  summary,
  targets,
};
const stamp = report.date.replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `bench-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
