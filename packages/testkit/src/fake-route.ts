import type { RecordedRequest } from './recorded-request.js';
import type { FakeResponseTools } from './response-tools.js';
import type { RoutePattern } from './route-pattern.js';

/**
 * Answers one request. It may answer later (return a promise) or never (a deliberate hang; `close()`
 * still ends it). A throw becomes a 500 and is kept in `FakeServer.errors`.
 */
export type FakeHandler = (request: RecordedRequest, response: FakeResponseTools) => void | Promise<void>;

/** One route. A provider fake is an array of these. */
export interface FakeRoute {
  /** HTTP method, case-insensitive; `'*'` matches any method. */
  method: string;
  path: RoutePattern;
  handler: FakeHandler;
}
