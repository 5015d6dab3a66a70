import { type RevisionPolicy, revisionPolicySchema, type Transport, timeoutsSchema } from '@infermux/core';
import { z } from 'zod';

/**
 * Which wire route text-generation uses on hf-inference (wire/hf §1.3, §5.9):
 * - `completions` (default): OpenAI-style `POST {base}/hf-inference/models/{id}/v1/completions`, what
 *   huggingface.js sends since May 2026 (it also works on vLLM-backed models, which only expose `/v1/*`).
 * - `tgi`: the native TGI body `{inputs, parameters, stream}` to `POST {base}/hf-inference/models/{id}`
 *   (what huggingface_hub still sends; TGI dedicated endpoints take it at their root URL).
 */
export const textGenerationRouteSchema = z.enum(['completions', 'tgi']);
export type TextGenerationRoute = z.output<typeof textGenerationRouteSchema>;

/** Tasks the adapter can send as one list of inputs (wire/hf §6). */
export const HF_BATCH_TASKS = [
  'feature-extraction',
  'text-classification',
  'token-classification',
  'fill-mask',
  'summarization',
  'translation',
  'zero-shot-classification',
  'question-answering',
] as const;
export type HfBatchTaskId = (typeof HF_BATCH_TASKS)[number];

/**
 * Native batching (`client.batch`, coalescing): many inputs in one upstream call.
 * - `lists`: `auto` (default) sends lists where the server is known to take them: feature-extraction
 *   everywhere, the other tasks on a dedicated endpoint (`endpointUrl`) only; `on` also on hf-inference,
 *   where lists are unverified for tasks other than feature-extraction (wire/hf §6); `off`: one call per input.
 * - `maxBatchSize`: per task, the largest list in one call (defaults: 32 for feature-extraction (TEI's
 *   default limit), text-, token-classification and fill-mask; 16 question-answering; 8 for summarization,
 *   translation and zero-shot, whose time per call grows fastest with the list).
 */
export const hfBatchSettingsSchema = z.strictObject({
  lists: z.enum(['auto', 'on', 'off']).optional(),
  maxBatchSize: z.partialRecord(z.enum(HF_BATCH_TASKS), z.int().positive()).optional(),
});

/** Strict schema of a `providers.<name>` entry of type `hf` (apps build the provider from it). */
export const hfSettingsSchema = z.strictObject({
  /** A Hugging Face token (`hf_…`). Prefer the `HF_TOKEN` env variable or `apiKeyEnv`. */
  apiKey: z.string().min(1).optional(),
  /** Router base URL; default `HF_BASE_URL`, `HF_INFERENCE_ENDPOINT` or `https://router.huggingface.co`. */
  baseURL: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
  /** Hub API base URL; default `HF_HUB_URL` or `https://huggingface.co`. */
  hubURL: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
  /** A dedicated Inference Endpoint: every call goes there instead of the router. */
  endpointUrl: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.optional(),
  /** Sent as `X-HF-Bill-To`: bill an organisation you belong to (Team/Enterprise). */
  billTo: z.string().min(1).optional(),
  revisionPolicy: revisionPolicySchema.optional(),
  textGenerationRoute: textGenerationRouteSchema.optional(),
  batch: hfBatchSettingsSchema.optional(),
  /** How long Hub answers (model info, revision → commit) are reused, in ms. Default 60 000. */
  hubCacheTtlMs: z.int().nonnegative().optional(),
  /** Price routed chat from the router's model list (`GET /v1/models`). Default true (off with `endpointUrl`). */
  priceCatalogue: z.boolean().optional(),
  /** How long that list is reused before a background refresh, in ms. Default 3 600 000 (an hour). */
  priceCatalogueTtlMs: z.int().positive().optional(),
});

export type HfSettingsInput = z.input<typeof hfSettingsSchema>;

/**
 * Env variables the router base is read from, in order: infermux's own, then huggingface_hub's
 * `HF_INFERENCE_ENDPOINT` (the serverless API's base, wire/hf §1.7).
 */
export const HF_BASE_URL_ENV = ['HF_BASE_URL', 'HF_INFERENCE_ENDPOINT'] as const;

/** Env variables a token is read from, in order (`HF_API_TOKEN` is the older name). */
export const HF_TOKEN_ENV = ['HF_TOKEN', 'HF_API_TOKEN'] as const;

export interface HfSettings extends HfSettingsInput {
  /** Registry name; default `hf`. */
  name?: string;
  transport?: Transport;
  revisionPolicy?: RevisionPolicy;
  /** Where env variables are read from (tests); default `process.env`, read at call time. */
  env?: Record<string, string | undefined>;
  /** Where adapter warnings (legacy URL rewrite) go besides result warnings; default none. */
  onWarning?: (message: string) => void;
}
