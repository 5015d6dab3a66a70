import { InfermuxError } from '@infermux/core';

/**
 * Token-id arrays are valid OpenAI input that text models cannot embed: refused as unsupported (not as
 * malformed) before the body is checked against its schema.
 */
export function refuseTokenIds(input: unknown): void {
  if (
    Array.isArray(input) &&
    input.length > 0 &&
    input.every((item) => typeof item === 'number' || Array.isArray(item))
  ) {
    throw new InfermuxError({
      code: 'caller_unsupported',
      message:
        'input: token-id arrays are not supported by this gateway; send the text (a string or a list of strings).',
      details: { field: 'input' },
    });
  }
}

/**
 * Asked-for `dimensions` against what came back: an upstream that silently ignored the field
 * (a server or model without shortened embeddings) must not hand the caller vectors of another length.
 */
export function checkDimensions(
  vectors: number[][],
  dimensions: number | undefined,
  provider: string | undefined,
): void {
  const wrong = dimensions === undefined ? undefined : vectors.find((vector) => vector.length !== dimensions);
  if (wrong === undefined) return;
  throw new InfermuxError({
    code: 'provider_bad_response',
    message: `dimensions: ${dimensions} was asked for, but the model returned ${wrong.length}-dimensional vectors (it does not support shortened embeddings).`,
    details: { field: 'dimensions' },
    provider,
    retryable: false,
  });
}

/** One vector per input, whatever nesting the provider returned (token-level output is refused). */
export function embeddingVectors(output: unknown, count: number): number[][] {
  const rows = Array.isArray(output) && typeof output[0] === 'number' ? [output as number[]] : (output as unknown[]);
  if (
    !Array.isArray(rows) ||
    rows.length !== count ||
    !rows.every((row) => Array.isArray(row) && row.every((value) => typeof value === 'number'))
  ) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `The model returned ${Array.isArray(rows) ? rows.length : 0} embedding rows of an unexpected shape for ${count} input(s) (token-level models are not pooled by the gateway).`,
    });
  }
  return rows as number[][];
}

/** Base64 of little-endian float32 values: what openai-node decodes when it asked for `base64`. */
export function base64Float32(vector: number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index] as number, index * 4);
  return bytes.toString('base64');
}
