import { redactSecrets, redactValue } from '@infermux/core';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs (pino). Credentials are removed twice: by path (headers, keys, tokens) and
 * by value (every string goes through core's redaction, which knows the registered
 * provider tokens and the `hf_`/`sk-`/`imx_`/Bearer shapes).
 */
export function createGatewayLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'infermux-gateway' },
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          'request.headers.authorization',
          'apiKey',
          '*.apiKey',
          'key',
          '*.key',
          'token',
          '*.token',
          'adminToken',
        ],
        censor: '[REDACTED]',
      },
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((item) => (typeof item === 'string' ? redactSecrets(item) : item)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
