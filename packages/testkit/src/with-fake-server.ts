import { type FakeServer, type FakeServerOptions, startFakeServer } from './fake-server.js';

/** Runs `use` against a fresh fake server and closes it afterwards, whether `use` succeeds or throws. */
export async function withFakeServer<T>(
  use: (server: FakeServer) => T | Promise<T>,
  options?: FakeServerOptions,
): Promise<T> {
  const server = await startFakeServer(options);
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}
