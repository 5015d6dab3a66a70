import { randomBytes } from 'node:crypto';

/** `{"error":{"message","type","param","code"}}`, every field present as the OpenAPI spec requires. */
export function openAIErrorBody(
  message: string,
  type: string,
  code: string | number | null = null,
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

export function requestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

/** Whitespace-separated words: the fakes' stand-in for tokens. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Splits text into stream deltas, keeping the spaces so the deltas join back exactly. */
export function splitDeltas(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** A deterministic unit-ish vector for a text, so tests can compare embeddings across calls. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const vector: number[] = [];
  let seed = 2166136261;
  for (const character of text) seed = Math.imul(seed ^ (character.codePointAt(0) ?? 0), 16777619) >>> 0;
  for (let index = 0; index < dimensions; index++) {
    seed = Math.imul(seed ^ (seed >>> 15), 2246822507) >>> 0;
    // float32-exact values, so base64 and float encodings decode to the same numbers.
    vector.push(Math.fround(((seed % 2000) - 1000) / 1000));
  }
  return vector;
}

/** base64 of little-endian float32 values, as OpenAI sends for `encoding_format: "base64"`. */
export function encodeFloat32Base64(vector: number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  for (const [index, value] of vector.entries()) buffer.writeFloatLE(value, index * 4);
  return buffer.toString('base64');
}
