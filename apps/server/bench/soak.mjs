// A bounded soak: SOAK_REQUESTS (default 1 000 000) chat requests through one gateway on loopback, in front
// of the bench's fake upstream, with the gateway's RSS sampled every SOAK_SAMPLE_MS (default 5 s). Prints
// the first, last and highest RSS and whether it stayed flat, then stops everything it started. It stops by
// itself after the count or SOAK_MAX_MINUTES (default 60), whichever comes first; only 127.0.0.1 is used.
// BENCH_LEDGER=postgres keeps the gateway's keys and ledger in PostgreSQL (DATABASE_URL, default the local
// `test` database, in a schema of its own dropped at the end); the default is the embedded SQLite ledger.
//   node bench/soak.mjs                       # after `pnpm build` (uses dist/main.js)
//   SOAK_REQUESTS=100000 BENCH_LEDGER=postgres node bench/soak.mjs
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeChatGatewayConfig } from './chat-gateway-config.mjs';
import { runLoad } from './load-generator.mjs';
import { openBenchSchema } from './postgres-schema.mjs';
import { spawnListening } from './spawn-listening.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const count = Number(process.env.SOAK_REQUESTS ?? 1_000_000);
const connections = Number(process.env.SOAK_CONNECTIONS ?? 32);
const sampleMs = Number(process.env.SOAK_SAMPLE_MS ?? 5000);
const maxMinutes = Number(process.env.SOAK_MAX_MINUTES ?? 60);
const postgres = process.env.BENCH_LEDGER === 'postgres';
const GATEWAY_KEY = 'imx_soakGatewayKey0000000000000000';
const work = mkdtempSync(join(tmpdir(), 'infermux-soak-'));

const rssMb = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;
/** CPU seconds (user + system) of a process: /proc/<pid>/stat, clock ticks of 1/100 s. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const schema = postgres ? await openBenchSchema('infermux_soak') : undefined;

const upstream = await spawnListening('upstream', process.execPath, [join(here, 'fake-upstream.mjs')], {
  env: {},
  cwd: work,
});
const ledgerPath = join(work, 'ledger.sqlite');
const configPath = join(work, 'gateway.json');
writeChatGatewayConfig(configPath, {
  upstreamUrl: upstream.url,
  key: { name: 'soak', keyEnv: 'SOAK_GATEWAY_KEY' },
  ledger: { path: ledgerPath, ...(schema ? { postgres: { schema: schema.name } } : {}) },
});
const gateway = await spawnListening('gateway', process.execPath, [join(here, '..', 'dist', 'main.js')], {
  env: {
    INFERMUX_CONFIG: configPath,
    PORT: '0',
    SOAK_GATEWAY_KEY: GATEWAY_KEY,
    ...(schema ? { DATABASE_URL: schema.url } : {}),
  },
  cwd: work,
});
const pid = gateway.child.pid;

const samples = [];
const started = performance.now();
const sample = () => samples.push({ seconds: (performance.now() - started) / 1000, rssMb: rssMb(pid) });
sample();
const sampler = setInterval(sample, sampleMs);
const cpuBefore = cpuSeconds(pid);
process.stderr.write(
  `soak: ${count} requests, ${connections} connections, ${postgres ? 'PostgreSQL' : 'SQLite'} ledger, RSS every ${sampleMs / 1000} s\n`,
);
const progress = setInterval(
  () =>
    process.stderr.write(`  ${Math.round((performance.now() - started) / 1000)} s, RSS ${rssMb(pid).toFixed(0)} MB\n`),
  60_000,
);
let result;
try {
  result = await runLoad({
    url: gateway.url,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` },
    body: JSON.stringify({ model: 'bench-chat', messages: [{ role: 'user', content: 'Say something short.' }] }),
    connections,
    durationMs: maxMinutes * 60_000,
    warmupMs: 0,
    maxRequests: count,
  });
} finally {
  clearInterval(sampler);
  clearInterval(progress);
}
sample();
const cpu = cpuSeconds(pid) - cpuBefore;
gateway.child.removeAllListeners('exit');
const stopped = new Promise((resolve) => gateway.child.once('exit', resolve));
gateway.child.kill('SIGTERM');
await stopped;
upstream.child.removeAllListeners('exit');
upstream.child.kill('SIGTERM');

let ledgerRows;
if (schema) {
  ledgerRows = await schema.rows();
  await schema.drop();
} else {
  const Database = (await import('better-sqlite3')).default;
  const database = new Database(ledgerPath, { readonly: true });
  ledgerRows = database.prepare('SELECT COUNT(*) AS n FROM usage_ledger').get().n;
  database.close();
}
rmSync(work, { recursive: true, force: true });

// Flat: the median RSS of the last fifth of the run within 10 % (+5 MB) of the second fifth's (the first
// fifth is warm-up: JIT, pools and caches filling).
const rss = samples.map((item) => item.rssMb);
const fifth = Math.max(1, Math.floor(rss.length / 5));
const early = median(rss.slice(fifth, 2 * fifth));
const late = median(rss.slice(-fifth));
const flat = late <= early * 1.1 + 5;
const requests = result.requests + result.errors;
const report = {
  requests,
  errors: result.errors,
  ledgerRows,
  seconds: Math.round((performance.now() - started) / 1000),
  cpuMicrosPerRequest: Math.round((cpu / requests) * 1e6),
  rssMb: {
    first: Number(rss[0].toFixed(1)),
    last: Number(rss[rss.length - 1].toFixed(1)),
    max: Number(Math.max(...rss).toFixed(1)),
    earlyMedian: Number(early.toFixed(1)),
    lateMedian: Number(late.toFixed(1)),
  },
  samples: rss.length,
  flat,
};
process.stdout.write(
  `soak: ${requests} requests (${result.errors} errors) in ${report.seconds} s, ${report.cpuMicrosPerRequest} µs gateway CPU per request, ${ledgerRows} ledger rows\n` +
    `RSS MB: first ${report.rssMb.first}, last ${report.rssMb.last}, max ${report.rssMb.max} (${rss.length} samples; median of the 2nd fifth ${report.rssMb.earlyMedian}, of the last fifth ${report.rssMb.lateMedian}): ${flat ? 'flat' : 'NOT flat'}\n` +
    `${JSON.stringify(report)}\n`,
);
process.exitCode = flat && ledgerRows === requests ? 0 : 1;
