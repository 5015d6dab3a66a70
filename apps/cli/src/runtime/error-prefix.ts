/**
 * Every error line the CLI prints starts with this, as commander's own do (and git's, npm's):
 * one prefix for scripts and eyes to find. Import-free so `bin.ts` can use it without loading anything.
 */
export const ERROR_PREFIX = 'error:';
