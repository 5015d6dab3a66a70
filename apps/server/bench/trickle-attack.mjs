// Slow-client attack on loopback, bounded (~15 s): the gateway runs with `ulimit -n 1024` while 1,100
// sockets trickle request bodies at it; normal requests are sent during and after the attack.
// Prints: normal requests served during the attack, ms from the attack's end to the first normal
// success, and whether any breaker opened. Needs `pnpm build` (dist/main.js). Run: node bench/trickle-attack.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnListening } from './spawn-listening.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'infermux-trickle-'));
const KEY = 'imx_trickleAttackKey0123456789abcdef';
const SOCKETS = Number(process.env.TRICKLE_SOCKETS ?? 1100);
const DESCRIPTORS = Number(process.env.TRICKLE_ULIMIT ?? 1024);

const start = (name, command, args, env) => spawnListening(name, command, args, { env, cwd: work });

async function normal(url) {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'bench-chat', messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

const upstream = await start('upstream', process.execPath, [join(here, 'fake-upstream.mjs')], {});
const config = join(work, 'gateway.json');
writeFileSync(
  config,
  JSON.stringify({
    providers: {
      bench: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, apiKey: 'sk-bench-upstream-key-0000' },
    },
    routes: { 'bench-chat': { targets: [{ model: 'bench:gpt-4o-mini' }] } },
    server: { keys: [{ name: 'bench', keyEnv: 'TRICKLE_KEY' }], ledger: { path: join(work, 'ledger.sqlite') } },
  }),
);
const gateway = await start(
  'gateway',
  'bash',
  ['-c', `ulimit -n ${DESCRIPTORS} && exec "${process.execPath}" "${join(here, '..', 'dist', 'main.js')}"`],
  { INFERMUX_CONFIG: config, PORT: '0', TRICKLE_KEY: KEY },
);
const port = Number(new URL(gateway.url).port);
const sockets = [];
try {
  for (let index = 0; index < SOCKETS; index++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{`,
    );
    sockets.push(socket);
  }
  const trickle = setInterval(() => {
    for (const socket of sockets) if (!socket.destroyed) socket.write(' ');
  }, 500);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const during = await Promise.all(Array.from({ length: 59 }, () => normal(gateway.url)));
  const open = sockets.filter((socket) => !socket.destroyed).length;
  clearInterval(trickle);
  for (const socket of sockets) socket.destroy();
  const ended = Date.now();
  let recoveredMs;
  while (Date.now() - ended < 5000) {
    if ((await normal(gateway.url)) === 200) {
      recoveredMs = Date.now() - ended;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const after = await Promise.all(Array.from({ length: 59 }, () => normal(gateway.url)));
  const metrics = await fetch(`${gateway.url}/metrics`).then((response) => response.text());
  const breakerOpened = /infermux_routing_events_total\{type="breaker-open"[^}]*\} [1-9]/.test(metrics);
  const breakerOpenNow = /infermux_breaker_state\{[^}]*\} 2/.test(metrics);
  console.log(
    JSON.stringify({
      sockets: SOCKETS,
      ulimit: DESCRIPTORS,
      attackSocketsStillOpenAfter2s: open,
      normalServedDuringAttack: `${during.filter((status) => status === 200).length}/59`,
      normalStatusesDuringAttack: [...new Set(during)],
      msFromAttackEndToFirstSuccess: recoveredMs ?? null,
      normalServedAfterAttack: `${after.filter((status) => status === 200).length}/59`,
      breakerOpened,
      breakerOpenNow,
    }),
  );
} finally {
  for (const socket of sockets) socket.destroy();
  gateway.child.kill('SIGKILL');
  upstream.child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
