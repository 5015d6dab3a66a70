import { createHash } from 'node:crypto';

/** A deterministic number in [0, 1) from a seed. */
export function unitHash(seed: string | Uint8Array): number {
  const digest = createHash('sha256').update(seed).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export function round(value: number, digits = 4): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function softmax(values: readonly number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}

const DIMENSIONS = 8;

/** A fake sentence embedding: bag of words hashed into 8 dimensions, unit length when `normalize`. */
export function embed(text: string, normalize = true): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    for (let index = 0; index < DIMENSIONS; index++)
      vector[index] = (vector[index] as number) + ((digest[index] as number) - 127.5) / 127.5;
  }
  const length = Math.hypot(...vector) || 1;
  return vector.map((value) => round(normalize ? value / length : value, 6));
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  for (let index = 0; index < a.length; index++) dot += (a[index] as number) * (b[index] as number);
  return round(dot / ((Math.hypot(...a) || 1) * (Math.hypot(...b) || 1)));
}
