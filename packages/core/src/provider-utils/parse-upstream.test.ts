import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerSecret } from '../errors/secret-redaction';
import { parseUpstream, unexpectedBody } from './parse-upstream';

const schema = z.object({ choices: z.array(z.object({ text: z.string() })) });

describe('parseUpstream', () => {
  it('returns the parsed body', () => {
    const body = { choices: [{ text: 'hi' }], extra: true };
    expect(parseUpstream(schema, body, { provider: 'p' }, 'a completion')).toEqual({ choices: [{ text: 'hi' }] });
  });

  it('a mismatch is provider_bad_response naming the field, with the raw body redacted and the issues', () => {
    registerSecret('sk-echoed-secret-99');
    let error: unknown;
    try {
      parseUpstream(
        schema,
        { choices: 'nope', echo: 'sk-echoed-secret-99' },
        { provider: 'p', task: 'text-generation', requestId: 'r-1' },
        'a completion',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: 'provider_bad_response',
      provider: 'p',
      requestId: 'r-1',
      message: expect.stringMatching(
        /^p answered text-generation with an unexpected body: expected a completion \(choices: /,
      ),
      details: {
        task: 'text-generation',
        rawBody: '{"choices":"nope","echo":"[REDACTED]"}',
        issues: [{ path: 'choices', message: expect.any(String) }],
      },
    });
  });
});

describe('unexpectedBody', () => {
  it('describes bytes by their size and text as it came', () => {
    expect(unexpectedBody('expected JSON', new Uint8Array(3), { provider: 'p' }).details).toEqual({
      rawBody: '<3 bytes>',
    });
    expect(unexpectedBody('expected JSON', '<html>', { provider: 'p', task: 'fill-mask' })).toMatchObject({
      message: 'p answered fill-mask with an unexpected body: expected JSON',
      details: { task: 'fill-mask', rawBody: '<html>' },
    });
  });
});
