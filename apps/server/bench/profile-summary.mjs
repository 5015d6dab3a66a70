// Attributes a V8 .cpuprofile's samples to the part of the request path that caused them:
// each sample is charged to the nearest frame (itself or a caller) that is socket/HTTP work
// or belongs to a known package, so native work (JSON, hashing) counts for whoever asked for it.
// Samples are weighted by their time, and with a window (µs, the monotonic clock that
// `process.hrtime` and V8 share) only that window counts, so start-up and warm-up stay out.
const SOCKETS = 'socket I/O and HTTP framing (node:http, node:net; both sides)';
const parts = [
  [
    SOCKETS,
    (url, name) =>
      /^node:(_http_|http$|net$|internal\/stream_base|internal\/streams|internal\/net)/.test(url) ||
      (url === '' &&
        /^(writev|writeUtf8String|writeLatin1String|writeBuffer|onStreamRead|readStart|execute)$/.test(name)),
  ],
  [
    'gateway: SQLite ledger (better-sqlite3)',
    (url) => /better-sqlite3/.test(url) || /apps\/server\/.*usage-ledger|insertMany/.test(url),
  ],
  ['gateway: metrics (prom-client)', (url) => /prom-client|tdigest|bintrees/.test(url)],
  ['gateway: logging (pino)', (url) => /pino|sonic-boom/.test(url)],
  ['validation (zod), from core and adapter', (url) => /\/zod\//.test(url)],
  ['upstream HTTP client (undici)', (url) => /undici/.test(url)],
  ['SSE parsing (eventsource-parser)', (url) => /eventsource-parser/.test(url)],
  ['core client: routing, retries, breaker, events, cost', (url) => /packages\/core\//.test(url)],
  ['openai-compatible adapter (request/response mapping)', (url) => /packages\/openai-compatible\//.test(url)],
  ['gateway: wire mapping, auth, limits, accounting', (url) => /apps\/server\//.test(url)],
];
const IDLE = 'idle';
const GC = 'garbage collection';
const NODE = 'other node internals (timers, ticks, crypto)';

export function summariseProfile(profile, window) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const memo = new Map();
  const partOf = (id) => {
    if (memo.has(id)) return memo.get(id);
    const trail = [];
    let current = id;
    let found;
    while (current !== undefined) {
      if (memo.has(current)) {
        found = memo.get(current);
        break;
      }
      trail.push(current);
      const frame = byId.get(current).callFrame;
      if (frame.functionName === '(idle)') found = IDLE;
      else if (frame.functionName === '(garbage collector)') found = GC;
      else found = parts.find(([, test]) => test(frame.url ?? '', frame.functionName ?? ''))?.[0];
      if (found) break;
      current = parent.get(current);
    }
    found ??= NODE;
    for (const item of trail) memo.set(item, found);
    return found;
  };
  const totals = new Map();
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index++) {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const part = partOf(profile.samples[index]);
    totals.set(part, (totals.get(part) ?? 0) + delta);
  }
  const busy = [...totals.values()].reduce((sum, time) => sum + time, 0) - (totals.get(IDLE) ?? 0);
  return [...totals.entries()]
    .filter(([part]) => part !== IDLE)
    .map(([part, time]) => ({ part, busyUs: time, percent: (time / busy) * 100 }))
    .sort((a, b) => b.percent - a.percent);
}
