import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerFault } from './answer-fault.js';
import { shapeResponseBody } from './body-shaper.js';
import { delay } from './delay.js';
import { disconnectSignal } from './disconnect-signal.js';
import type { FakeHandler, FakeRoute } from './fake-route.js';
import type { Fault, FaultHandle, FaultMatcher, FaultOptions } from './fault.js';
import { FaultQueue } from './fault-queue.js';
import { createRecordedRequest, type RecordedRequest } from './recorded-request.js';
import { createResponseTools, type FakeResponseTools } from './response-tools.js';
import type { RoutePattern } from './route-pattern.js';
import { RouteTable } from './route-table.js';

export interface FakeServerOptions {
  /** Routes to register before the server starts listening. */
  routes?: readonly FakeRoute[];
  /**
   * Keep every request in `requests` (default true). Benchmarks turn it off so memory stays flat;
   * `requestCount` is kept either way.
   */
  record?: boolean;
  /** Port on 127.0.0.1; default 0 (a free port chosen by the OS). */
  port?: number;
  /** How long an idle keep-alive connection stays open; default Node's 5000 ms. */
  keepAliveTimeoutMs?: number;
}

const NOT_FOUND_BODY = Buffer.from(JSON.stringify({ error: 'Not Found' }));

/** A real HTTP server on 127.0.0.1 that answers from routes and injects faults on demand. */
export class FakeServer {
  /** Every request received since start or the last `reset()` (empty when `record: false`). */
  readonly requests: RecordedRequest[] = [];
  /** Errors thrown by route handlers; each also answered the request with a 500. */
  readonly errors: unknown[] = [];
  /** Requests received since start or the last `reset()`, recorded or not. */
  requestCount = 0;
  /** Connections accepted since start or the last `reset()`; with keep-alive, fewer than requests. */
  totalConnections = 0;

  private readonly routeTable = new RouteTable();
  private readonly faults = new FaultQueue();
  private readonly openSockets = new Map<number, Socket>();
  private readonly connectionIds = new WeakMap<Socket, number>();
  private lastConnectionId = 0;
  private readonly record: boolean;
  private closing: Promise<void> | undefined;
  private listeningPort = 0;

  /** Use `startFakeServer()`. */
  private constructor(
    private readonly server: Server,
    options: FakeServerOptions,
  ) {
    this.record = options.record ?? true;
    for (const route of options.routes ?? []) this.routeTable.add(route);
    server.on('connection', (socket: Socket) => {
      const connectionId = ++this.lastConnectionId;
      this.totalConnections += 1;
      this.openSockets.set(connectionId, socket);
      this.connectionIds.set(socket, connectionId);
      socket.once('close', () => this.openSockets.delete(connectionId));
    });
    server.on('request', (incoming: IncomingMessage, response: ServerResponse) => this.receive(incoming, response));
  }

  /** Kept after `close()`, so a test can still build the URL it expects to fail. */
  get port(): number {
    return this.listeningPort;
  }

  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Connections open right now, idle keep-alive ones included. */
  get openConnections(): number {
    return this.openSockets.size;
  }

  /**
   * Whether the connection that carried a request (`request.connectionId`) is still open. Sharper than
   * `openConnections` when checking that a client dropped its socket: undici's fetch, for one, may open
   * a fresh idle connection right after aborting, which keeps the count unchanged.
   */
  isConnectionOpen(connectionId: number): boolean {
    return this.openSockets.has(connectionId);
  }

  /**
   * Adds a route; the most recently added matching route answers. `method` is case-insensitive, `'*'`
   * for any. Returns a function that removes the route.
   */
  route(method: string, path: RoutePattern, handler: FakeHandler): () => void {
    return this.routeTable.add({ method, path, handler });
  }

  /** Adds a set of routes (a provider fake); returns a function that removes them all. */
  addRoutes(routes: readonly FakeRoute[]): () => void {
    const removers = routes.map((route) => this.routeTable.add(route));
    return () => {
      for (const remove of removers) remove();
    };
  }

  /**
   * Queues `fault` for the next request(s) matching `matcher` (`times`, default 1). While it lasts it
   * takes precedence over routes; with several queued, a request gets the oldest that matches.
   */
  fault(matcher: FaultMatcher, fault: Fault, options?: FaultOptions): FaultHandle {
    return this.faults.add(matcher, fault, options);
  }

  /** Forgets recorded requests, handler errors, counters and queued faults. Routes stay. */
  reset(): void {
    this.requests.length = 0;
    this.errors.length = 0;
    this.requestCount = 0;
    this.totalConnections = 0;
    this.faults.clear();
  }

  /**
   * Stops listening and destroys every open connection, so neither an idle keep-alive socket nor a
   * stalled response can keep a test waiting. Safe to call more than once.
   */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.faults.clear();
      const sockets = [...this.openSockets.values()];
      // The server reports closed before its sockets emit 'close'; waiting for both means
      // `openConnections` is 0 once this resolves.
      const socketsClosed = sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      const serverClosed = new Promise((resolve) => this.server.close(resolve));
      for (const socket of sockets) socket.destroy();
      this.closing = Promise.all([serverClosed, ...socketsClosed]).then(() => undefined);
    }
    return this.closing;
  }

  /** Prefer `startFakeServer()`; this is the same. */
  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = createServer({ keepAlive: true });
    if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
    const fake = new FakeServer(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    fake.listeningPort = (server.address() as AddressInfo).port;
    return fake;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private receive(incoming: IncomingMessage, response: ServerResponse): void {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = createRecordedRequest({
        method: incoming.method ?? 'GET',
        url: incoming.url ?? '/',
        headers: incoming.headers,
        body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        receivedAt,
        connectionId: this.connectionIds.get(incoming.socket) ?? 0,
      });
      this.dispatch(request, response);
    });
  }

  private dispatch(request: RecordedRequest, response: ServerResponse): void {
    this.requestCount += 1;
    if (this.record) this.requests.push(request);
    const fault = this.faults.take(request);
    if (fault === undefined) {
      this.answer(request, response, undefined);
      return;
    }
    switch (fault.kind) {
      case 'status':
      case 'malformed-json':
      case 'reset':
        answerFault(response, fault);
        return;
      case 'delay-headers': {
        const signal = disconnectSignal(response);
        delay(fault.ms, signal).then(
          () => this.answer(request, response, signal),
          () => {
            // The wait was cut by a disconnect or close(): there is nobody left to answer.
          },
        );
        return;
      }
      default: {
        const signal = disconnectSignal(response);
        shapeResponseBody(response, fault, signal);
        this.answer(request, response, signal);
        return;
      }
    }
  }

  private answer(request: RecordedRequest, response: ServerResponse, signal: AbortSignal | undefined): void {
    const match = this.routeTable.match(request.method, request.path);
    if (match === undefined) {
      response.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND_BODY.byteLength });
      response.end(NOT_FOUND_BODY);
      return;
    }
    request.params = match.params;
    const tools = createResponseTools(response, signal);
    try {
      const result = match.handler(request, tools);
      if (result !== undefined) result.catch((error: unknown) => this.handlerFailed(error, tools));
    } catch (error) {
      this.handlerFailed(error, tools);
    }
  }

  private handlerFailed(error: unknown, tools: FakeResponseTools): void {
    // A wait that was aborted because the client left is not a handler bug.
    if (tools.signal.aborted) return;
    this.errors.push(error);
    const response = tools.raw;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    tools.json(500, { error: `fake route handler threw: ${message}` });
  }
}

/** Starts a fake upstream on 127.0.0.1 (port 0 by default) and resolves once it is listening. */
export function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  return FakeServer.start(options);
}
