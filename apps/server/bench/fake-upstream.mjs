// A loopback OpenAI-compatible upstream for the benchmark: canned chat JSON, or an SSE
// stream of STREAM_CHUNKS deltas + usage + [DONE], answered as fast as Node can.
import { createServer } from 'node:http';

const STREAM_CHUNKS = 20;
const created = Math.floor(Date.now() / 1000);
const chatJson = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model: 'gpt-4o-mini',
    system_fingerprint: 'fp_bench',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'The quick brown fox jumps over the lazy dog.' },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
  }),
);
const chunk = (delta, finish) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const frames = [chunk({ role: 'assistant', content: '' }, null)];
for (let index = 0; index < STREAM_CHUNKS; index++) frames.push(chunk({ content: `tok${index} ` }, null));
frames.push(chunk({}, 'stop'));
frames.push(
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 12, completion_tokens: STREAM_CHUNKS, total_tokens: 12 + STREAM_CHUNKS } })}\n\n`,
);
frames.push('data: [DONE]\n\n');

// `/endpoint`: a dedicated HF endpoint's text-classification, taking one text or a list (the toolkit's shape:
// one best `{label, score}` per text), after ENDPOINT_MS of "inference" per call; `GET /stats` counts its calls.
const ENDPOINT_MS = Number(process.env.ENDPOINT_MS ?? 0);
const stats = { calls: 0, items: 0 };
const classify = (text) => ({ label: text.length % 2 ? 'POSITIVE' : 'NEGATIVE', score: 0.9 });

function answerEndpoint(body, response) {
  const { inputs } = JSON.parse(body);
  const texts = Array.isArray(inputs) ? inputs : [inputs];
  stats.calls += 1;
  stats.items += texts.length;
  const json = Buffer.from(JSON.stringify(Array.isArray(inputs) ? texts.map(classify) : [classify(inputs)]));
  setTimeout(() => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': json.length });
    response.end(json);
  }, ENDPOINT_MS);
}

const server = createServer({ keepAlive: true }, (request, response) => {
  if (request.method === 'GET' && request.url === '/stats') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(stats));
    return;
  }
  const chunks = [];
  request.on('data', (data) => chunks.push(data));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (request.url === '/endpoint') return answerEndpoint(body, response);
    if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const frame of frames) response.write(frame);
      response.end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': chatJson.length,
      'x-request-id': 'req_upstream',
    });
    response.end(chatJson);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`),
);
process.on('SIGTERM', () => process.exit(0));
