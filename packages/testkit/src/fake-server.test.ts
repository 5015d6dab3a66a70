import { Agent } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './fake-server.js';
import { rawRequest } from './test-support/raw-request.js';
import { withFakeServer } from './with-fake-server.js';

let server: FakeServer;

beforeEach(async () => {
  server = await startFakeServer();
});

afterEach(async () => {
  await server.close();
});

describe('startFakeServer', () => {
  it('listens on 127.0.0.1 with a real port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers unmatched requests with a JSON 404', async () => {
    const response = await fetch(`${server.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ error: 'Not Found' });
  });

  it('registers routes given as options', async () => {
    await withFakeServer(
      async (optionServer) => {
        const response = await fetch(`${optionServer.url}/health`);
        expect(await response.text()).toBe('ok');
      },
      { routes: [{ method: 'get', path: '/health', handler: (_request, response) => response.text(200, 'ok') }] },
    );
  });
});

describe('routes', () => {
  it('passes params to the handler and matches the method', async () => {
    server.route('POST', '/models/:owner/:name', (request, response) => response.json(200, { params: request.params }));
    const response = await fetch(`${server.url}/models/openai-community/gpt2`, { method: 'POST' });
    expect(await response.json()).toEqual({ params: { owner: 'openai-community', name: 'gpt2' } });
    expect((await fetch(`${server.url}/models/openai-community/gpt2`)).status).toBe(404);
  });

  it('accepts any method with *', async () => {
    server.route('*', '/any', (request, response) => response.text(200, request.method));
    expect(await (await fetch(`${server.url}/any`, { method: 'DELETE' })).text()).toBe('DELETE');
    expect(await (await fetch(`${server.url}/any`, { method: 'PUT' })).text()).toBe('PUT');
  });

  it('lets the latest matching route win, and removing it restores the earlier one', async () => {
    server.route('GET', '/models/*', (_request, response) => response.text(200, 'catch-all'));
    server.route('GET', '/models/:name', (_request, response) => response.text(200, 'default'));
    expect(await (await fetch(`${server.url}/models/gpt2`)).text()).toBe('default');
    expect(await (await fetch(`${server.url}/models/org/gpt2`)).text()).toBe('catch-all');
    const removeOverride = server.route('GET', '/models/:name', (_request, response) => response.text(200, 'override'));
    expect(await (await fetch(`${server.url}/models/gpt2`)).text()).toBe('override');
    removeOverride();
    expect(await (await fetch(`${server.url}/models/gpt2`)).text()).toBe('default');
  });

  it('adds and removes a set of routes together', async () => {
    const removeAll = server.addRoutes([
      { method: 'GET', path: '/a', handler: (_request, response) => response.text(200, 'a') },
      {
        method: 'GET',
        path: /^\/b\/(?<id>\d+)$/,
        handler: (request, response) => response.text(200, `b${request.params.id}`),
      },
    ]);
    expect(await (await fetch(`${server.url}/a`)).text()).toBe('a');
    expect(await (await fetch(`${server.url}/b/42`)).text()).toBe('b42');
    removeAll();
    expect((await fetch(`${server.url}/a`)).status).toBe(404);
    expect((await fetch(`${server.url}/b/42`)).status).toBe(404);
  });

  it('answers asynchronous handlers', async () => {
    server.route('GET', '/later', async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      response.json(201, { done: true }, { 'X-Request-Id': 'abc' });
    });
    const response = await fetch(`${server.url}/later`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('abc');
    expect(await response.json()).toEqual({ done: true });
  });

  it('turns a handler error into a 500 and keeps it in errors', async () => {
    server.route('GET', '/sync', () => {
      throw new Error('sync boom');
    });
    server.route('GET', '/async', async () => {
      throw new Error('async boom');
    });
    const syncResponse = await fetch(`${server.url}/sync`);
    expect(syncResponse.status).toBe(500);
    expect(await syncResponse.json()).toEqual({ error: 'fake route handler threw: sync boom' });
    expect((await fetch(`${server.url}/async`)).status).toBe(500);
    expect(server.errors.map((error) => (error as Error).message)).toEqual(['sync boom', 'async boom']);
  });
});

describe('recording', () => {
  it('records method, path, query, lower-cased headers, body and time', async () => {
    server.route('POST', '/v1/chat/completions', (_request, response) => response.json(200, {}));
    const before = Date.now();
    await fetch(`${server.url}/v1/chat/completions?stream=true&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Custom-Header': 'Value' },
      body: JSON.stringify({ model: 'gpt2', messages: [] }),
    });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.url).toBe('/v1/chat/completions?stream=true&tag=a&tag=b');
    expect(request?.query.get('stream')).toBe('true');
    expect(request?.query.getAll('tag')).toEqual(['a', 'b']);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-custom-header']).toBe('Value');
    expect(request?.body).toBeInstanceOf(Buffer);
    expect(request?.text()).toBe('{"model":"gpt2","messages":[]}');
    expect(request?.json()).toEqual({ model: 'gpt2', messages: [] });
    expect(request?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(request?.receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('records binary bodies byte for byte, and unmatched requests too', async () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    await fetch(`${server.url}/upload`, { method: 'PUT', body: bytes });
    expect(server.requests[0]?.body.equals(bytes)).toBe(true);
    expect(server.requests[0]?.params).toEqual({});
  });

  it('explains a body that is not JSON', async () => {
    await fetch(`${server.url}/x`, { method: 'POST', body: 'not json' });
    expect(() => server.requests[0]?.json()).toThrow(/POST \/x: request body is not JSON: "not json"/);
  });

  it('keeps the params of the route that answered', async () => {
    server.route('GET', '/models/:name', (_request, response) => response.text(200, ''));
    await fetch(`${server.url}/models/gpt2`);
    expect(server.requests[0]?.params).toEqual({ name: 'gpt2' });
  });

  it('skips recording with record: false but still counts', async () => {
    await withFakeServer(
      async (quiet) => {
        await fetch(`${quiet.url}/a`);
        await fetch(`${quiet.url}/b`);
        expect(quiet.requests).toEqual([]);
        expect(quiet.requestCount).toBe(2);
      },
      { record: false },
    );
  });

  it('reset() forgets requests, counters, errors and faults but keeps routes', async () => {
    server.route('GET', '/ok', (_request, response) => response.text(200, 'ok'));
    server.route('GET', '/throw', () => {
      throw new Error('boom');
    });
    await fetch(`${server.url}/throw`);
    const handle = server.fault('/ok', { kind: 'status', status: 503 });
    server.reset();
    expect(server.requests).toEqual([]);
    expect(server.errors).toEqual([]);
    expect(server.requestCount).toBe(0);
    expect(handle.remaining).toBe(0);
    expect((await fetch(`${server.url}/ok`)).status).toBe(200);
    expect(server.requestCount).toBe(1);
  });
});

describe('connections', () => {
  it('keeps connections alive across requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      server.route('GET', '/ping', (_request, response) => response.text(200, 'pong'));
      for (let index = 0; index < 3; index++) {
        const response = await rawRequest(`${server.url}/ping`, { agent });
        expect(response.body.toString()).toBe('pong');
      }
      expect(server.requestCount).toBe(3);
      expect(server.totalConnections).toBe(1);
      expect(server.openConnections).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('counts a connection as closed once a client destroys it', async () => {
    server.route('GET', '/hang', () => {
      // Never answers, so only the client can end the request.
    });
    const agent = new Agent({ keepAlive: true });
    const pending = rawRequest(`${server.url}/hang`, { agent });
    await expect.poll(() => server.requestCount).toBe(1);
    expect(server.openConnections).toBe(1);
    agent.destroy();
    expect((await pending).error?.code).toBe('ECONNRESET');
    await expect.poll(() => server.openConnections).toBe(0);
  });

  it('tells whether the connection of an aborted fetch was closed', async () => {
    server.route('GET', '/hang', () => {
      // Never answers, so only the client's abort can end the request.
    });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/hang`, { signal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    const connectionId = server.requests[0]?.connectionId ?? -1;
    expect(server.isConnectionOpen(connectionId)).toBe(true);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    await expect.poll(() => server.isConnectionOpen(connectionId)).toBe(false);
  });
});
