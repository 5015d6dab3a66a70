import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonObject } from './parse-json-body';

const nested = (depth: number) => Buffer.from(`{"x":${'['.repeat(depth)}1${']'.repeat(depth)}}`);

function refusal(body: Buffer): InfermuxError | undefined {
  try {
    parseJsonObject(body);
    return undefined;
  } catch (error) {
    if (InfermuxError.isInstance(error)) return error;
    throw error;
  }
}

describe('parseJsonObject depth limit', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, naming the body`, () => {
    expect(refusal(nested(MAX_JSON_DEPTH - 1))).toBeUndefined();
    const error = refusal(nested(MAX_JSON_DEPTH));
    expect(error?.code).toBe('caller_invalid_input');
    expect(error?.details?.field).toBe('body');
  });

  it('a shallow body with many brackets inside its strings is accepted (the walk, not the count, decides)', () => {
    const body = Buffer.from(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '[{'.repeat(200) }] }));
    expect(parseJsonObject(body).model).toBe('m');
  });

  it('many brackets side by side, none deep, are accepted', () => {
    const body = Buffer.from(JSON.stringify({ rows: Array.from({ length: 500 }, (_, index) => [index, { index }]) }));
    expect(refusal(body)).toBeUndefined();
  });
});
