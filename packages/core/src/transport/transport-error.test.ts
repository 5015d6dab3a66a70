import { describe, expect, it } from 'vitest';
import { countsAgainstHealth } from '../routing/retry-policy';
import { translateTransportError } from './transport-error';

const context = {
  provider: 'hf',
  timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000, totalMs: 1000 },
  timedOut: undefined,
  callerAborted: false,
  url: 'http://127.0.0.1:1234/models/x',
};

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1234`), { code });
}

describe('translateTransportError', () => {
  it.each(['EMFILE', 'ENFILE', 'ENOMEM'])('%s is the gateway overloaded, not the upstream failing', (code) => {
    const error = translateTransportError(socketError(code), context);
    expect(error.code).toBe('gateway_overloaded');
    expect(error.status).toBe(503);
    expect(error.retryAfterMs).toBe(1000);
    expect(countsAgainstHealth(error)).toBe(false);
  });

  it('a refused connection is still the upstream network failing (and counts)', () => {
    const error = translateTransportError(socketError('ECONNREFUSED'), context);
    expect(error.code).toBe('provider_network');
    expect(countsAgainstHealth(error)).toBe(true);
  });
});
