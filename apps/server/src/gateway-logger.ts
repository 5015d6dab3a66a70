import { redactSecrets, redactValue } from '@infermux/core';
import pino, { type DestinationStream, type Logger } from 'pino';

function serializeErrors(object: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(object)) {
    if (value instanceof Error) {
      copy ??= { ...object };
      copy[name] = pino.stdSerializers.err(value);
    }
  }
  return copy ?? object;
}

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
      // `err` is serialised (then redacted) by the log formatter below; pino's own pass would re-read the
      // redacted copy as an error of type `Object`.
      serializers: { err: (value: unknown) => value },
      formatters: {
        // Errors are serialised before redaction: redacting walks own enumerable fields, and an Error's
        // message and stack are not enumerable, so they came out as `{}`.
        log: (object) => redactValue(serializeErrors(object)) as Record<string, unknown>,
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
