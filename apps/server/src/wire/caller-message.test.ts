import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { errorResponse, streamErrorEvent } from './error-response';

const network = new InfermuxError({
  code: 'provider_network',
  provider: 'hf',
  message: 'hf connection failed calling 127.0.0.1:42817 (EMFILE): connect EMFILE 127.0.0.1:42817',
  details: { networkCode: 'EMFILE' },
});
const notFound = new InfermuxError({
  code: 'caller_model_not_found',
  provider: 'hf',
  message: 'Model org/x not found: see http://127.0.0.1:42817/../.. or [::1]:8080 (ECONNRESET)',
});

describe('caller-facing errors', () => {
  it.each(['openai', 'hf', 'native'] as const)(
    'never show internal addresses or socket codes (%s), and OpenAI/native bodies carry the request id',
    (format) => {
      for (const error of [network, notFound]) {
        const { body } = errorResponse(format, error, 'req_abc');
        const event = streamErrorEvent(format, error, 'req_abc');
        for (const text of [body, event]) {
          expect(text).not.toMatch(/127\.0\.0\.1|42817|::1|EMFILE|ECONNRESET|http:\/\//);
          if (format !== 'hf') expect(text).toContain('req_abc');
        }
      }
    },
  );

  it('keeps the useful part of the message', () => {
    expect(JSON.parse(errorResponse('openai', notFound, 'req_1').body).error.message).toMatch(
      /^Model org\/x not found/,
    );
    expect(JSON.parse(errorResponse('hf', network, 'req_1').body).error).toBe('The upstream hf could not be reached.');
  });
});
