// The floor for any Node gateway: node:http in, undici Pool out, bytes piped both ways,
// no parsing, no auth, no accounting. UPSTREAM_URL names the upstream.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM_URL, { connections: 128, pipelining: 1 });
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

const server = createServer({ keepAlive: true }, (request, response) => {
  const headers = {};
  for (const [name, value] of Object.entries(request.headers)) if (!hopByHop.has(name)) headers[name] = value;
  pool.request({ method: request.method, path: request.url, headers, body: request }, (error, upstream) => {
    if (error) {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: error.message } }));
      return;
    }
    const outgoing = {};
    for (const [name, value] of Object.entries(upstream.headers)) if (!hopByHop.has(name)) outgoing[name] = value;
    response.writeHead(upstream.statusCode, outgoing);
    upstream.body.pipe(response);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
