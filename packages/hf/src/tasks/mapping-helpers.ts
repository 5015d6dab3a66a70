import { type BinaryInput, readBinary, toBase64 } from '@infermux/core';
import { unexpectedBody } from '@infermux/core/provider-utils';
import { endpointOpenAiUrl, hfInferenceUrl } from '../hf-urls';
import type { HfJsonBody, HfRequestBody, HfResponseBody, HfResponseContext, HfRouteContext } from './task-mapping';

/**
 * The URL of a non-chat task: the serverless route `{base}/hf-inference/models/{id}{suffix}`, or a dedicated
 * endpoint's URL as is (wire/hf §1.4: no `/pipeline/` suffix, no `/models/` prefix there).
 */
export function taskUrl(context: HfRouteContext, suffix = ''): string {
  return context.endpointUrl ?? hfInferenceUrl(context.routerBase, context.modelId, suffix);
}

/** An OpenAI-style route: on an endpoint per wire/hf §1.4, else on hf-inference `/models/{id}/v1/{route}`. */
export function openAiTaskUrl(context: HfRouteContext, route: 'chat/completions' | 'completions'): string {
  return context.endpointUrl
    ? endpointOpenAiUrl(context.endpointUrl, route)
    : hfInferenceUrl(context.routerBase, context.modelId, `/v1/${route}`);
}

export function jsonBody(json: unknown): HfJsonBody {
  return { kind: 'json', json };
}

/** `{inputs, parameters}` with `parameters` left out when there are none. */
export function inputsBody(inputs: unknown, parameters: object | undefined): HfJsonBody {
  return jsonBody(hasKeys(parameters) ? { inputs, parameters } : { inputs });
}

export function hasKeys(value: object | undefined): value is object {
  return value !== undefined && Object.keys(value).length > 0;
}

/**
 * A binary input the way huggingface_hub sends it (wire/hf §5): raw bytes with their media type when there are
 * no parameters, base64 JSON `{inputs, parameters}` when there are (raw bytes cannot carry parameters).
 */
export async function binaryInputBody(inputs: BinaryInput, parameters: object | undefined): Promise<HfRequestBody> {
  const binary = await readBinary(inputs);
  if (!hasKeys(parameters)) return { kind: 'binary', data: binary.data, contentType: binary.contentType };
  return jsonBody({ inputs: toBase64(binary.data), parameters });
}

/** Base64 of a binary input, for JSON bodies that embed images (`{image, question}`). */
export async function base64Of(input: BinaryInput): Promise<string> {
  return toBase64((await readBinary(input)).data);
}

/** The JSON of a response, or a bad-response error when media bytes came instead. */
export function expectJson(body: HfResponseBody, context: HfResponseContext): unknown {
  if (body.kind === 'json') return body.json;
  throw unexpectedBody(`expected JSON, got ${body.binary.contentType || 'bytes'}`, body.binary.data, context);
}

/** `[x]` → `x`; `x` → `x`. For answers the server wraps in a one-item list (one per input). */
export function firstIfList<T>(value: T | T[]): T | undefined {
  return Array.isArray(value) ? value[0] : value;
}
