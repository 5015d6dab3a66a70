import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { parseJsonText } from './parse-json-text';

const failure = {
  provider: 'vllm',
  message: 'vllm answered 200 with a body that is not valid JSON',
  upstreamStatus: 200,
};

describe('parseJsonText', () => {
  it('parses JSON text', () => {
    expect(parseJsonText('{"choices":[]}', failure)).toEqual({ choices: [] });
  });

  it('text that is not JSON is a 502 provider_bad_response with the message, raw body and upstream status', () => {
    let thrown: unknown;
    try {
      parseJsonText('<html>gateway timeout</html>', { ...failure, requestId: 'req-1' });
    } catch (error) {
      thrown = error;
    }
    expect(InfermuxError.isInstance(thrown)).toBe(true);
    expect(thrown).toMatchObject({
      code: 'provider_bad_response',
      status: 502,
      message: failure.message,
      provider: 'vllm',
      requestId: 'req-1',
      details: { rawBody: '<html>gateway timeout</html>', upstreamStatus: 200 },
    });
    expect((thrown as InfermuxError).cause).toMatchObject({ name: 'SyntaxError' });
  });
});
