import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InfermuxError } from './infermux-error';
import { redactHeaders, redactSecrets, registerSecret } from './secret-redaction';
import { parseWith, ValidationError } from './validation-error';

describe('InfermuxError', () => {
  it('takes status and retryable from its code unless told otherwise', () => {
    const error = new InfermuxError({
      code: 'provider_rate_limited',
      message: 'slow down',
      provider: 'hf',
      retryAfterMs: 1500,
    });
    expect(error).toMatchObject({
      code: 'provider_rate_limited',
      status: 429,
      retryable: true,
      provider: 'hf',
      retryAfterMs: 1500,
    });
    expect(new InfermuxError({ code: 'provider_server_error', message: 'x', retryable: false }).retryable).toBe(false);
  });

  it('is recognised across copies of the package (branded with Symbol.for)', () => {
    // A second copy of the package defines its own class but the same global symbol.
    const foreign = Object.assign(new Error('from another copy'), {
      [Symbol.for('infermux.error')]: true,
      code: 'auth_forbidden',
    });
    expect(InfermuxError.isInstance(foreign)).toBe(true);
    expect(InfermuxError.isInstance(new Error('plain'))).toBe(false);
    expect(InfermuxError.isInstance(null)).toBe(false);
    expect(ValidationError.isInstance(new ValidationError({ issues: [], subject: 'x' }))).toBe(true);
    expect(ValidationError.isInstance(new InfermuxError({ code: 'gateway_internal', message: 'x' }))).toBe(false);
  });

  it('never carries a token: message, details, cause chain, JSON', () => {
    const token = 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const custom = 'my-custom-secret-value-42';
    registerSecret(custom);
    const cause = new Error(`upstream echoed Authorization: Bearer ${token}`, { cause: new Error(`inner ${custom}`) });
    const error = new InfermuxError({
      code: 'auth_invalid_credentials',
      message: `bad token ${token} and ${custom}`,
      details: { rawBody: `{"token":"${custom}"}`, headers: { authorization: `Bearer ${token}` } },
      cause,
    });
    const everything = [
      error.message,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(error.details),
      String((error.cause as Error).message),
      String(((error.cause as Error).cause as Error).message),
      String((error.cause as Error).stack),
    ].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(custom);
    expect(everything).toContain('[REDACTED]');
  });

  it('wraps unknown throwables with InfermuxError.from', () => {
    const wrapped = InfermuxError.from(new TypeError('boom'), { code: 'gateway_internal' });
    expect(wrapped.code).toBe('gateway_internal');
    expect(wrapped.message).toBe('boom');
    const kept = new InfermuxError({ code: 'auth_forbidden', message: 'no' });
    expect(InfermuxError.from(kept, { code: 'gateway_internal' })).toBe(kept);
  });
});

describe('redaction helpers', () => {
  it('masks credential headers and token shapes', () => {
    expect(redactHeaders({ Authorization: 'Bearer abc', 'x-other': 'sk-fakeabcdefghij' })).toEqual({
      Authorization: '[REDACTED]',
      'x-other': '[REDACTED]',
    });
    expect(redactSecrets('key sk-evo-abcdefghijklmnop here')).toBe('key [REDACTED] here');
  });
});

describe('ValidationError', () => {
  it('names the field path and what was expected', () => {
    const schema = z.strictObject({ inputs: z.string(), parameters: z.strictObject({ top_k: z.int() }).optional() });
    const error = (() => {
      try {
        parseWith(schema, { inputs: 'x', parameters: { top_k: 'three' } }, 'input');
      } catch (caught) {
        return caught as ValidationError;
      }
    })();
    expect(error?.code).toBe('caller_invalid_input');
    expect(error?.issues[0]?.path).toBe('parameters.top_k');
    expect(error?.message).toMatch(/parameters\.top_k: .*expected number/);
  });
});
