export { type ExitCode, exitCodeForErrorCode, exitCodes } from './exit-codes';
export { main } from './main';
export { createProgram } from './program';
