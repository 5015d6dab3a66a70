#!/usr/bin/env node
import { main } from './main';
import { ERROR_PREFIX } from './runtime/error-prefix';

// Exit explicitly once the command is done: idle keep-alive sockets must not hold the
// process open. (stdout/stderr writes to files and pipes are synchronous on POSIX.)
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${ERROR_PREFIX} ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
