export { main } from './main';
export { createProgram } from './program';
export { exitCodes, exitCodeForErrorCode, type ExitCode } from './exit-codes';
