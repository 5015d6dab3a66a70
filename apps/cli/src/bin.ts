#!/usr/bin/env node
import { main } from './main';

// Exit explicitly once the command is done: idle keep-alive sockets must not hold the
// process open. (stdout/stderr writes to files and pipes are synchronous on POSIX.)
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`infermux: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
