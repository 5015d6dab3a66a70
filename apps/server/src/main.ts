#!/usr/bin/env node
/**
 * `pnpm start`: the gateway on embedded defaults. No config file, service or token is
 * needed: 127.0.0.1 (or HOST), port from PORT (or 8080), SQLite ledger in the XDG data directory (see the README),
 * in-memory limits. A config file in the working directory (infermux.config.yaml) is used when present.
 */
import { startGateway } from './start-gateway';

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    process.stderr.write(`PORT must be a port number (0-65535), got "${process.env.PORT}"\n`);
    process.exit(2);
  }
  // HOST overrides server.host (a container binds 0.0.0.0 without shipping a config file).
  const host = process.env.HOST || undefined;
  const gateway = await startGateway({ configPath: process.env.INFERMUX_CONFIG, port, host });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining and stopping the gateway\n`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`infermux gateway failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
