import { InfermuxError, type TaskInput } from '@infermux/core';
import { parseUpstream, unexpectedBody } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { expectJson, jsonBody, taskUrl } from './mapping-helpers';
import type { HfRouteContext, HfTaskMapping } from './task-mapping';

type Input = TaskInput<'feature-extraction'>;

const vector = z.array(z.number());
/**
 * wire/hf §5.12: nested float arrays, depth 1 to 4 (huggingface.js's `isNumArrayRec(response, 3, 0)` counts from
 * 0): a string gives `number[]` or a one-row `number[][]` depending on the backend; a list gives `number[][]`;
 * non-pooled (token-level) models give `number[][][]` for a text and `number[][][][]` for a list of texts
 * (bart-base with two texts answered 2 × 1 × 3 × 768). Passed through as the upstream nests it.
 */
const upstream = z.union([vector, z.array(vector), z.array(z.array(vector)), z.array(z.array(z.array(vector)))]);
type Embeddings = z.output<typeof upstream>;

/**
 * TEI's documented client batch limit (`max_client_batch_size`, default 32); larger lists are split by core.
 */
export const FEATURE_EXTRACTION_MAX_BATCH = 32;

/** `…/pipeline/feature-extraction` makes sentence-transformers models embed instead of running similarity (wire/hf §1.3). */
const url = (context: HfRouteContext) => taskUrl(context, '/pipeline/feature-extraction');

/** Options sit at the root beside `inputs`, not under `parameters` (TEI shape). */
function options({ inputs: _inputs, ...rest }: Input): Omit<Input, 'inputs'> {
  return rest;
}

/**
 * The HF feature-extraction spec has no `dimensions` (wire/hf §5.12): the model answers its native length,
 * so asking for another one is refused before the call rather than answered with vectors of the wrong length.
 */
function refuseDimensions(input: Input, field = 'dimensions'): void {
  if (input.dimensions === undefined) return;
  throw new InfermuxError({
    code: 'caller_unsupported',
    message: `${field}: Hugging Face feature-extraction cannot shorten embeddings (the model returns its native vector length); leave dimensions out or use an OpenAI-compatible provider.`,
    details: { field },
  });
}

export const featureExtraction: HfTaskMapping<'feature-extraction'> = {
  capabilities: {},
  request(input, context) {
    refuseDimensions(input);
    return { url: url(context), body: jsonBody(input) };
  },
  response(body, context) {
    return {
      output: parseUpstream(upstream, expectJson(body, context), context, 'nested arrays of numbers (depth 1 to 4)'),
    };
  },
  batch: {
    targets: 'any',
    maxBatchSize: FEATURE_EXTRACTION_MAX_BATCH,
    // One upstream call for many inputs: the texts are concatenated and the rows split back per input.
    request(inputs, context) {
      const first = inputs[0];
      if (first === undefined) {
        throw new InfermuxError({
          code: 'caller_invalid_input',
          message: 'A feature-extraction batch needs at least one input',
          details: { field: 'inputs' },
        });
      }
      for (const [index, input] of inputs.entries()) refuseDimensions(input, `inputs[${index}].dimensions`);
      const shared = JSON.stringify(options(first));
      inputs.forEach((input, index) => {
        if (JSON.stringify(options(input)) !== shared) {
          throw new InfermuxError({
            code: 'caller_invalid_input',
            message: `inputs[${index}]: a feature-extraction batch is one upstream call, so every item needs the same options (normalize, prompt_name, truncate, truncation_direction) as inputs[0]`,
            details: { field: `inputs[${index}]` },
          });
        }
      });
      const texts = inputs.flatMap((input) => (typeof input.inputs === 'string' ? [input.inputs] : input.inputs));
      return { url: url(context), body: jsonBody({ ...options(first), inputs: texts }) };
    },
    response(body, inputs, context) {
      const expectedRows = inputs.reduce(
        (count, input) => count + (typeof input.inputs === 'string' ? 1 : input.inputs.length),
        0,
      );
      const parsed = parseUpstream(upstream, expectJson(body, context), context, 'one embedding per input text');
      // A single text may come back as a bare vector.
      const rows: unknown[] =
        expectedRows === 1 && parsed.every((value) => typeof value === 'number') ? [parsed] : parsed;
      if (rows.length !== expectedRows) {
        throw unexpectedBody(
          `expected ${expectedRows} embeddings (one per input text), got ${rows.length}`,
          parsed,
          context,
        );
      }
      let offset = 0;
      const outputs = inputs.map((input) => {
        if (typeof input.inputs === 'string') return rows[offset++] as Embeddings;
        const slice = rows.slice(offset, offset + input.inputs.length);
        offset += input.inputs.length;
        return slice as Embeddings;
      });
      return { outputs };
    },
  },
};
