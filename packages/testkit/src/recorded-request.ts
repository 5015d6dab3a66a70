import type { IncomingHttpHeaders } from 'node:http';
import type { RouteParams } from './route-pattern.js';

/** A request as the fake server received it, body included. */
export interface RecordedRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Request path without the query string, as sent (not decoded). */
  readonly path: string;
  /** The raw request target: path plus query string. */
  readonly url: string;
  readonly query: URLSearchParams;
  /** Header names lower-cased; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** `Date.now()` when the request headers arrived. */
  readonly receivedAt: number;
  /** Which connection carried it (numbered from 1 per server); see `FakeServer.isConnectionOpen()`. */
  readonly connectionId: number;
  /** Params captured by the route that answered; `{}` when no route matched. */
  params: RouteParams;
  /** The body decoded as UTF-8. */
  text(): string;
  /** The body parsed as JSON (whatever its content-type); throws when it is not JSON. */
  json<T = unknown>(): T;
}

export interface RequestLine {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
  connectionId: number;
}

/** A class rather than an object literal so the helpers live on the prototype, not per request. */
class ReceivedRequest implements RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly body: Buffer;
  readonly receivedAt: number;
  readonly connectionId: number;
  params: RouteParams = {};
  // Query and headers are parsed on first read: most requests in a benchmark are never inspected.
  private readonly rawHeaders: IncomingHttpHeaders;
  private parsedQuery: URLSearchParams | undefined;
  private flatHeaders: Record<string, string> | undefined;

  constructor(line: RequestLine) {
    const queryStart = line.url.indexOf('?');
    this.method = line.method;
    this.url = line.url;
    this.path = queryStart === -1 ? line.url : line.url.slice(0, queryStart);
    this.rawHeaders = line.headers;
    this.body = line.body;
    this.receivedAt = line.receivedAt;
    this.connectionId = line.connectionId;
  }

  get query(): URLSearchParams {
    if (this.parsedQuery === undefined) {
      const queryStart = this.url.indexOf('?');
      this.parsedQuery = new URLSearchParams(queryStart === -1 ? '' : this.url.slice(queryStart + 1));
    }
    return this.parsedQuery;
  }

  get headers(): Readonly<Record<string, string>> {
    this.flatHeaders ??= flattenHeaders(this.rawHeaders);
    return this.flatHeaders;
  }

  text(): string {
    return this.body.toString('utf8');
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text()) as T;
    } catch (error) {
      throw new SyntaxError(
        `${this.method} ${this.path}: request body is not JSON: ${JSON.stringify(this.text().slice(0, 200))}`,
        {
          cause: error,
        },
      );
    }
  }
}

export function createRecordedRequest(line: RequestLine): RecordedRequest {
  return new ReceivedRequest(line);
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
