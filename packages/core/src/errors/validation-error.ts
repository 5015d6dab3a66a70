import type { z } from 'zod';
import { InfermuxError } from './infermux-error';

export interface ValidationIssue {
  /** Dotted path to the field, e.g. `parameters.top_k` or `inputs[2]`. */
  path: string;
  /** What was expected there, in words. */
  message: string;
}

const marker = Symbol.for('infermux.validation-error');

/** Bad input, config or response: names each field path and what was expected. */
export class ValidationError extends InfermuxError {
  readonly [marker] = true;
  readonly issues: ValidationIssue[];

  constructor(options: {
    issues: ValidationIssue[];
    subject: string;
    provider?: string;
    code?: 'caller_invalid_input' | 'provider_bad_response';
    details?: Record<string, unknown>;
  }) {
    const summary = options.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ');
    super({
      code: options.code ?? 'caller_invalid_input',
      message: `Invalid ${options.subject}: ${summary}`,
      provider: options.provider,
      details: { ...options.details, issues: options.issues },
    });
    this.name = 'ValidationError';
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is ValidationError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }

  static fromZod(
    error: z.ZodError,
    subject: string,
    extra: {
      provider?: string;
      code?: 'caller_invalid_input' | 'provider_bad_response';
      details?: Record<string, unknown>;
    } = {},
  ): ValidationError {
    return new ValidationError({ issues: error.issues.map(toIssue), subject, ...extra });
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result ? `.${String(segment)}` : String(segment);
  }
  return result;
}

function toIssue(issue: z.core.$ZodIssue): ValidationIssue {
  return { path: formatPath(issue.path), message: issue.message };
}

/** Parses with a zod schema, throwing a ValidationError that names the failing fields. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  subject: string,
  extra?: Parameters<typeof ValidationError.fromZod>[2],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw ValidationError.fromZod(result.error, subject, extra);
  return result.data;
}
