// `pnpm bench` (CLI), issue #23: the same `infermux batch text-classification` of N lines against a dedicated
// endpoint whose container takes lists (the testkit fake HF, `takesLists`), once with native batches (the
// default) and once with `batch.lists: off` (one call per line): upstream calls per item and items/s of each.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_HF_VALID_TOKEN, startFakeHf, startFakeServer } from '@infermux/testkit';

const MODEL = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';

function run(bin, args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve({ code, seconds: (performance.now() - started) / 1000, stderr }));
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
      if (result.code !== 0) throw new Error(`infermux batch (lists ${lists}) exited ${result.code}: ${result.stderr}`);
      const done = countLines(output);
      sides[lists === 'auto' ? 'native' : 'onePerItem'] = {
        lines: done,
        seconds: result.seconds,
        itemsPerSecond: done / result.seconds,
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
