import { type FakeServer, startFakeServer } from '../fake-server.js';
import type { FaultHandle, FaultMatcher } from '../fault.js';
import type { FakeHeaders } from '../merge-headers.js';
import { type FakeOpenAIRouteOptions, openAIRoutes } from './openai-routes.js';
import { openAIErrorBody } from './openai-wire.js';

export interface FakeOpenAIOptions extends FakeOpenAIRouteOptions {
  /** Add the routes to this server instead of starting a new one. */
  server?: FakeServer;
}

export interface FakeOpenAI {
  readonly server: FakeServer;
  /** `http://127.0.0.1:<port>/v1`: what a user sets as `baseURL`. */
  readonly baseURL: string;
  /**
   * Answers the next matching request(s) with an OpenAI error body
   * `{"error":{"message","type","param","code"}}` and the given status and headers.
   */
  failWith(
    matcher: FaultMatcher,
    status: number,
    error: { message: string; type: string; code?: string | number | null; param?: string | null },
    options?: { headers?: FakeHeaders; times?: number },
  ): FaultHandle;
  close(): Promise<void>;
}

/** A fake OpenAI-compatible upstream (chat, streaming with usage and `[DONE]`, completions, embeddings, models). */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const server = options.server ?? (await startFakeServer());
  const removeRoutes = server.addRoutes(openAIRoutes(options));
  return {
    server,
    baseURL: `${server.url}/v1`,
    failWith(matcher, status, error, failOptions = {}) {
      return server.fault(
        matcher,
        {
          kind: 'status',
          status,
          body: openAIErrorBody(error.message, error.type, error.code ?? null, error.param ?? null),
          headers: failOptions.headers,
        },
        { times: failOptions.times },
      );
    },
    async close() {
      removeRoutes();
      if (!options.server) await server.close();
    },
  };
}
