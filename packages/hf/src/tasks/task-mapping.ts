import type { BinaryData, TaskCapabilities, TaskId, TaskInput, TaskOutput, Usage, Warning } from '@infermux/core';
import type { TextGenerationRoute } from '../hf-settings';

/** What goes on the wire: a JSON document, or raw bytes with their media type. */
export type HfRequestBody = HfJsonBody | { kind: 'binary'; data: Uint8Array; contentType: string };

export type HfJsonBody = { kind: 'json'; json: unknown };

/** A 2xx answer: parsed JSON, or bytes with their media type (images, audio). */
export type HfResponseBody = { kind: 'json'; json: unknown } | { kind: 'binary'; binary: BinaryData };

/** Where and how a call is sent; decided per call from the provider settings and the model reference. */
export interface HfRouteContext {
  /** The model id sent to the upstream (no revision: serverless routes cannot take one, wire/hf §8). */
  modelId: string;
  /** `org/name:variant` routing suffix (chat on the OpenAI-compatible router only). */
  variant?: string;
  /** Router base without trailing slash, e.g. `https://router.huggingface.co`. */
  routerBase: string;
  /** A dedicated Inference Endpoint, when configured. */
  endpointUrl?: string;
  textGenerationRoute: TextGenerationRoute;
  stream: boolean;
}

export interface HfRequestPlan {
  url: string;
  body: HfRequestBody;
  /** Extra headers for this task (e.g. `Accept: image/png`). */
  headers?: Record<string, string>;
  warnings?: Warning[];
  /**
   * The same request without a field infermux sends on purpose where the official clients do not: sent once
   * when the first answer is 400 or 422, for a target that refuses fields it does not know (`postJson`).
   */
  fallback?: HfJsonBody;
}

export interface HfResponseContext extends HfRouteContext {
  provider: string;
  task: TaskId;
  requestId?: string;
}

export interface HfMappedOutput<T extends TaskId> {
  output: TaskOutput<T>;
  usage?: Usage;
}

/** Which streaming framing a call answers with (wire/hf §7). */
export type HfStreamFraming = 'tgi' | 'openai-completions' | 'openai-chat';

/**
 * One task on the Hugging Face wire: its URL, its body and how its answer maps back to the core output.
 * Adding a task = one file that exports one of these + one line in `hf-task-mappings.ts`.
 */
export interface HfTaskMapping<T extends TaskId> {
  readonly capabilities: TaskCapabilities;
  /** The answer is media bytes (text-to-image, text-to-speech, image-to-image), not JSON. */
  readonly binaryResponse?: boolean;
  request(input: TaskInput<T>, context: HfRouteContext): HfRequestPlan | Promise<HfRequestPlan>;
  /** `input` is the call's, for answers whose shape follows it (a list of inputs gets a list of answers). */
  response(body: HfResponseBody, context: HfResponseContext, input?: TaskInput<T>): HfMappedOutput<T>;
  /** Present on streaming tasks: which SSE framing the request built for `context` answers with. */
  streamFraming?(context: HfRouteContext): HfStreamFraming;
  /** Present on tasks whose upstream takes a list of inputs in one call. */
  batch?: HfBatchMapping<T>;
}

/**
 * Which servers are known to take a list of inputs for a task (wire/hf §6): `any` (documented for every
 * server: feature-extraction), or `dedicated` (the Inference Endpoints toolkit hands `inputs` to the
 * transformers pipeline; hf-inference's behaviour is unverified, so lists go there only when enabled).
 */
export type HfBatchTargets = 'any' | 'dedicated';

/** Many inputs in one call: the request for the list and the answer split back per input, in order. */
export interface HfBatchMapping<T extends TaskId> {
  readonly targets: HfBatchTargets;
  /** The largest safe list for one call; the provider's `batch.maxBatchSize` setting may lower it. */
  readonly maxBatchSize: number;
  request(inputs: ReadonlyArray<TaskInput<T>>, context: HfRouteContext): HfRequestPlan | Promise<HfRequestPlan>;
  response(
    body: HfResponseBody,
    inputs: ReadonlyArray<TaskInput<T>>,
    context: HfResponseContext,
  ): { outputs: Array<TaskOutput<T>>; usage?: Usage };
}
