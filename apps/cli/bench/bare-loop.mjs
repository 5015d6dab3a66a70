// The baseline the CLI's batch is measured against: the same work (stream the JSONL, one
// undici request per line at a fixed concurrency, parse the answer, append a result line)
// with nothing else — no validation, routing, retries, resumability or progress.
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';

const [input, output, baseURL, model, token, concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const dispatcher = new Agent({ connections: 128, keepAliveTimeout: 10_000 });
const url = `${baseURL}/hf-inference/models/${model}`;
const out = createWriteStream(output, { flags: 'a' });
const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity })[Symbol.asyncIterator]();

async function worker() {
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    const { id, ...body } = JSON.parse(next.value);
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const result = await response.body.json();
    if (!out.write(`${JSON.stringify({ id, output: result })}\n`))
      await new Promise((resolve) => out.once('drain', resolve));
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
await new Promise((resolve) => out.end(resolve));
await dispatcher.close();
