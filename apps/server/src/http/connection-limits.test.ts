import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call, chatBody } from '../test-support/gateway-requests';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({
    timeouts: { bodyMs: 300, headersMs: 1000 },
    connections: { max: 5 },
  });
});
afterAll(() => fixture?.close());

function open(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(fixture.gateway.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Everything the server sends until it closes the socket (or `waitMs` passes). */
function readUntilClosed(socket: Socket, waitMs: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    const timer = setTimeout(() => resolve({ text, closed: false }), waitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

describe('connection and time limits', () => {
  it('a body shorter than its Content-Length → 408 within the body timeout (not 300 s)', async () => {
    const socket = await open();
    const started = Date.now();
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":',
    );
    const { text, closed } = await readUntilClosed(socket, 3000);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toContain('caller_body_timeout');
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('connections over server.connections.max are closed at once; normal requests are served again as soon as the flood ends', async () => {
    const flood = await Promise.all(Array.from({ length: 5 }, () => open()));
    for (const socket of flood) socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n'); // headers never finish
    await new Promise((resolve) => setTimeout(resolve, 50));
    const extra = await open();
    extra.write('GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n');
    expect((await readUntilClosed(extra, 1000)).closed).toBe(true);
    for (const socket of flood) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const reply = await call(`${fixture.gateway.url}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json' },
      body: chatBody(),
    });
    expect(reply.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('slow headers are cut near headersMs (checked every second, not every 30 s)', async () => {
    const socket = await open();
    const started = Date.now();
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n');
    const { closed } = await readUntilClosed(socket, 4000);
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
