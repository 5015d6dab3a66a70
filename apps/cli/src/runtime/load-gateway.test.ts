import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { loadGateway } from './load-gateway';

// Node's resolver cannot be made to miss here (pnpm's shims put the workspace on NODE_PATH); the
// packed-install test runs the real miss against an npm install of the CLI alone.
const failingResolve = (code: string) => () => {
  throw Object.assign(new Error(`cannot find (${code})`), { code });
};

describe('loadGateway', () => {
  it('loads @infermux/server when it is installed', async () => {
    const gateway = await loadGateway();
    expect(typeof gateway.startGateway).toBe('function');
  });

  it('says how to install the gateway, with a typed code, when it is missing', async () => {
    const error = await loadGateway(failingResolve('MODULE_NOT_FOUND')).catch((caught: unknown) => caught);
    expect(InfermuxError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'gateway_dependency_missing', details: { dependency: '@infermux/server' } });
    expect((error as Error).message).toContain('npm install -g @infermux/server');
  });

  it('rethrows any other resolution failure as it is', async () => {
    const error = await loadGateway(failingResolve('EACCES')).catch((caught: unknown) => caught);
    expect(InfermuxError.isInstance(error)).toBe(false);
    expect(error).toMatchObject({ code: 'EACCES' });
  });
});
