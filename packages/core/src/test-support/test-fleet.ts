/** Test only: several fake upstreams on 127.0.0.1, each behind a test provider of the same name. */
import { type FakeServer, startFakeServer } from '@infermux/testkit';
import type { ProviderV1 } from '../provider/provider';
import { createHttpTransport } from '../transport/http-transport';
import { createTestProvider } from './test-provider';
import { serveTestUpstream, type TestUpstreamOptions } from './test-upstream';

export interface TestFleet {
  servers: Record<string, FakeServer>;
  providers: ProviderV1[];
  close(): Promise<void>;
}

export async function startTestFleet(
  upstreams: Record<string, TestUpstreamOptions & { maxBatchSize?: number; idempotentSubmit?: boolean }>,
): Promise<TestFleet> {
  const transport = createHttpTransport();
  const servers: Record<string, FakeServer> = {};
  const providers: ProviderV1[] = [];
  for (const [name, options] of Object.entries(upstreams)) {
    const server = await startFakeServer();
    serveTestUpstream(server, { label: name.toUpperCase(), ...options });
    servers[name] = server;
    providers.push(
      createTestProvider({
        name,
        baseURL: server.url,
        transport,
        maxBatchSize: options.maxBatchSize,
        idempotentSubmit: options.idempotentSubmit,
      }),
    );
  }
  return {
    servers,
    providers,
    close: async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
}
