import { InfermuxError, registerSecret } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { createGatewayLogger } from './gateway-logger';
import { LogCapture } from './test-support/gateway-fixture';

describe('gateway logger', () => {
  it('an error keeps its message, code and stack, with secrets redacted', () => {
    const secret = 'hf_fakeLoggedSecret42';
    registerSecret(secret);
    const logs = new LogCapture();
    const logger = createGatewayLogger('info', logs);
    const cause = Object.assign(new Error(`connect EMFILE with ${secret}`), { code: 'EMFILE' });
    logger.error({ err: cause, other: new InfermuxError({ code: 'gateway_internal', message: 'boom' }) }, 'failed');
    logger.flush();
    const line = JSON.parse(logs.lines[0] as string);
    expect(line.err).toMatchObject({
      type: 'Error',
      message: expect.stringContaining('connect EMFILE'),
      code: 'EMFILE',
    });
    expect(line.err.stack).toContain('gateway-logger.test.ts');
    expect(line.other).toMatchObject({ message: 'boom', code: 'gateway_internal' });
    expect(logs.text).not.toContain(secret);
  });
});
