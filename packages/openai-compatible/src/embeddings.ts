import { InfermuxError, type TaskInput, type Usage, ValidationError } from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import { mapOpenAIUsage } from './map-openai-usage';
import { embeddingsResponseSchema } from './openai-response-schemas';

type FeatureExtractionInput = TaskInput<'feature-extraction'>;

export type EmbeddingEncoding = 'float' | 'base64';

/** TEI options `/v1/embeddings` has no field for; `normalize: true` is applied here instead. */
const unsupportedOptions = ['prompt_name', 'truncate', 'truncation_direction'] as const;

export function buildEmbeddingsBody(
  texts: string[],
  modelId: string,
  encoding: EmbeddingEncoding = 'float',
  options: { dimensions?: number } = {},
): Record<string, unknown> {
  return {
    model: modelId,
    input: texts,
    encoding_format: encoding,
    ...(options.dimensions !== undefined ? { dimensions: options.dimensions } : {}),
  };
}

/** The one `dimensions` of inputs sent in a single `/v1/embeddings` call (it is a per-call field upstream). */
export function sharedDimensions(inputs: FeatureExtractionInput[]): number | undefined {
  const first = inputs[0]?.dimensions;
  inputs.forEach((input, index) => {
    if (input.dimensions !== first) {
      throw new ValidationError({
        subject: 'input for task "feature-extraction"',
        issues: [
          {
            path: `[${index}].dimensions`,
            message: 'a batch is one /v1/embeddings call, so every item needs the same dimensions as [0]',
          },
        ],
      });
    }
  });
  return first;
}

/** Texts of one input, after refusing options the OpenAI embeddings API cannot honour. */
export function embeddingTexts(input: FeatureExtractionInput, path = ''): string[] {
  const issues = unsupportedOptions
    .filter((name) => input[name] !== undefined && input[name] !== null)
    .map((name) => ({ path: `${path}${name}`, message: 'not supported by OpenAI-compatible /v1/embeddings' }));
  if (issues.length > 0) throw new ValidationError({ subject: 'input for task "feature-extraction"', issues });
  return typeof input.inputs === 'string' ? [input.inputs] : input.inputs;
}

/** Vectors in input order, whatever order and encoding (`float` or `base64`) the upstream used. */
export function mapEmbeddingsResponse(
  json: unknown,
  context: { provider: string; expected: number },
): { vectors: number[][]; usage: Usage; model?: string } {
  const response = parseUpstream(embeddingsResponseSchema, json, context, 'an embeddings list');
  if (response.data.length !== context.expected) {
    throw new InfermuxError({
      code: 'provider_bad_response',
      message: `${context.provider} returned ${response.data.length} embeddings for ${context.expected} inputs`,
      provider: context.provider,
    });
  }
  const ordered = response.data.map((item, position) => ({
    position: item.index ?? position,
    embedding: item.embedding,
  }));
  ordered.sort((a, b) => a.position - b.position);
  return {
    vectors: ordered.map((item) =>
      typeof item.embedding === 'string' ? decodeBase64Embedding(item.embedding) : item.embedding,
    ),
    usage: mapOpenAIUsage(response.usage),
    model: response.model,
  };
}

/** base64 of consecutive little-endian float32 values (what OpenAI sends for `encoding_format: "base64"`). */
export function decodeBase64Embedding(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Array<number>(Math.floor(bytes.byteLength / 4));
  for (let index = 0; index < vector.length; index++) vector[index] = view.getFloat32(index * 4, true);
  return vector;
}

export function normalizeVector(vector: number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/** Splits vectors back per input: a string input gets one vector, a list gets a list. */
export function shapeEmbeddings(input: FeatureExtractionInput, vectors: number[][]): number[] | number[][] {
  const shaped = input.normalize ? vectors.map(normalizeVector) : vectors;
  return typeof input.inputs === 'string' ? (shaped[0] as number[]) : shaped;
}
