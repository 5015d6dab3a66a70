import type { Endpoint } from '../gateway-services';

/** A raw request: bytes and headers exactly as a hostile client would send them. */
export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** What the generator aimed at, for the report. */
  kind: string;
}

/** mulberry32: a tiny seeded PRNG, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** Model names: real ones the fakes serve, and hostile ones. */
const models = [
  'openai:gpt-4o-mini',
  'gpt2',
  'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
  '../../api/whoami-v2',
  'hf:..',
  'org/\ud800',
  '\udc00',
  'a'.repeat(20_000),
  'org/na\u0000me',
  'org%2F..',
  '',
  ' ',
  'https://evil.example/x',
  '__proto__',
  'constructor',
];

const segments = [
  'org/name',
  '%2e%2e/whoami-v2',
  '..%2F..',
  '%ED%A0%80',
  '%ff%fe',
  '%',
  '%E0%A4%A',
  'a'.repeat(3000),
  '__proto__',
  'job_eyJ4Ijo',
  `job_${Buffer.from('["chat-completion","hf","x"]').toString('base64url')}`,
  'text-classification',
  'constructor',
];

/** JSON-ish bodies: broken, deep, huge, wrongly typed, prototype keys, surrogates, invalid UTF-8. */
function body(random: () => number, pick: <T>(items: readonly T[]) => T): { bytes: Buffer; kind: string } {
  const model = pick(models);
  const choices: Array<() => { text: string | Buffer; kind: string }> = [
    () => ({ text: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }), kind: 'chat' }),
    () => ({ text: JSON.stringify({ model, input: 'hi', inputs: 'hi', prompt: 'hi' }), kind: 'inputs' }),
    () => ({ text: '{"model":', kind: 'truncated' }),
    () => ({ text: `{"model":"gpt2","messages":${deep(10 + Math.floor(random() * 20_000))}}`, kind: 'deep' }),
    () => ({ text: `{"model":"x","seconds":${deep(5000)},"prompt":"x"}`, kind: 'deep-seconds' }),
    () => ({
      text: JSON.stringify({ model: 12, messages: 'x', input: { a: [] }, n: -1, stream: 'yes' }),
      kind: 'types',
    }),
    () => ({ text: JSON.stringify([1, 2, 3]), kind: 'array' }),
    () => ({ text: 'null', kind: 'null' }),
    () => ({
      text: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"model":"gpt2","messages":[]}',
      kind: 'prototype',
    }),
    () => ({
      text: '{"model":"\\ud800","messages":[{"role":"user","content":"\\udfff"}],"input":"\\ud800"}',
      kind: 'surrogate',
    }),
    () => ({
      text: Buffer.concat([
        Buffer.from('{"model":"gpt2","messages":[{"role":"user","content":"'),
        Buffer.from([0xff, 0xfe, 0xc0, 0x80]),
        Buffer.from('"}]}'),
      ]),
      kind: 'invalid-utf8',
    }),
    () => ({
      text: `{"model":"gpt2","messages":[{"role":"user","content":"${'x'.repeat(3 * 1024 * 1024)}"}]}`,
      kind: 'huge',
    }),
    () => ({ text: Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))), kind: 'random-bytes' }),
    () => ({
      text: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 1e308,
        temperature: 'hot',
        stream: true,
      }),
      kind: 'wild-params',
    }),
    () => ({
      text: JSON.stringify({ name: pick(models), budget: { amount: -1 }, rpm: 'x', allowedModels: [1] }),
      kind: 'admin-body',
    }),
  ];
  const { text, kind } = pick(choices)();
  return { bytes: typeof text === 'string' ? Buffer.from(text, 'utf8') : text, kind };
}

/** Headers: content types, header floods, odd ids and auth values. */
function headers(random: () => number, pick: <T>(items: readonly T[]) => T, length: number): Record<string, string> {
  const result: Record<string, string> = {
    'content-type': pick([
      'application/json',
      'text/plain',
      'image/png',
      'application/json; charset=utf-16',
      'multipart/form-data',
      '',
    ]),
  };
  if (result['content-type'] === '') delete result['content-type'];
  const extra = random();
  if (extra < 0.1) for (let index = 0; index < 150; index++) result[`x-flood-${index}`] = 'v'.repeat(100);
  else if (extra < 0.2) result['x-request-id'] = pick(['../../etc', 'a'.repeat(5000), '\u00ff\u00fe', '__proto__']);
  else if (extra < 0.3)
    result.authorization = pick(['Bearer ', 'Bearer imx_', 'Basic x', `Bearer ${'a'.repeat(4000)}`]);
  else if (extra < 0.35)
    result['content-length'] = String(length + 10); // shorter than announced
  else if (extra < 0.4) result['x-infermux-task'] = pick(['__proto__', 'text-classification', '../x']);
  return result;
}

/** Fills a route pattern's params with hostile segments. */
function fillPath(pattern: string, pick: <T>(items: readonly T[]) => T): string {
  return pattern.replace(/\{(\w+)\+?\}/g, () => pick(segments));
}

export function* hostileRequests(
  endpoints: readonly Endpoint[],
  seed: number,
  count: number,
): Generator<HostileRequest> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let index = 0; index < count; index++) {
    const endpoint = pick(endpoints);
    let path = fillPath(endpoint.path, pick);
    const roll = random();
    if (roll < 0.15)
      path += `?${pick(['task=__proto__', 'task=text-classification', 'by=__proto__&since=x', 'since=%ff', 'a'.repeat(3000)])}`;
    else if (roll < 0.2)
      path = pick([
        '/models/%2e%2e/whoami-v2',
        '/models/..%2F..?task=text-classification',
        '/%',
        '//',
        '/v1/../admin/keys',
      ]);
    const method = random() < 0.9 ? endpoint.method : pick(['GET', 'POST', 'DELETE', 'PUT', 'OPTIONS']);
    const { bytes, kind } = body(random, pick);
    const withBody = method !== 'GET' && method !== 'DELETE';
    yield {
      method,
      path,
      headers: headers(random, pick, withBody ? bytes.length : 0),
      body: withBody ? bytes : undefined,
      kind,
    };
  }
}
