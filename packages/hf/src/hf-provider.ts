import {
  createHttpTransport,
  type HttpResponse,
  InfermuxError,
  type ModelRef,
  type ProviderBatchResult,
  type ProviderCallOptions,
  type ProviderModel,
  type ProviderRunResult,
  type ProviderStreamResult,
  type ProviderV1,
  type StreamPart,
  type TaskCapabilities,
  type TaskId,
  type TaskInput,
  type Timeouts,
  type Transport,
  toModelRef,
  type Usage,
  type Warning,
} from '@infermux/core';
import {
  type ApiKeySource,
  apiKeyStatus,
  buildHeaders,
  createHeaderCache,
  EVENT_STREAM_MEDIA_TYPE,
  loadApiKey,
  postBytes,
  postJson,
  requirePinnedRevision,
  revisionNotServed,
  type UpstreamEndpoint,
  unexpectedBody,
  withoutTrailingSlashes,
} from '@infermux/core/provider-utils';
import { chatInputForForward, forwardChatResponse, listOpenAIModels } from '@infermux/openai-compatible/internal';
import { hfErrorFromResponse } from './hf-errors';
import { HF_TOKEN_ENV, type HfBatchTaskId, type HfSettings } from './hf-settings';
import { eventStreamOf, readHfStream } from './hf-stream';
import { DEFAULT_HUB_URL, type RouterBase, resolveRouterBase } from './hf-urls';
import { HubClient } from './hub/hub-client';
import type { HfModelInfo } from './hub/model-info';
import { hfDefaultPrices } from './pricing/hf-default-prices';
import { createHfPriceCatalogue } from './pricing/hf-price-catalogue';
import { HF_INFERENCE_VARIANT } from './tasks/chat-completion';
import { type HfTaskId, hfTaskMapping, hfTaskMappings } from './tasks/hf-task-mappings';
import type { HfRequestPlan, HfResponseBody, HfResponseContext, HfTaskMapping } from './tasks/task-mapping';
import { mergeUsage, usageFromHeaders } from './usage/usage-from-headers';

export interface HfProvider extends ProviderV1 {
  readonly tasks: { readonly [T in HfTaskId]: TaskCapabilities };
  doRun<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderRunResult<T>>;
  doBatch<T extends TaskId>(
    options: Omit<ProviderCallOptions<T>, 'input'> & { inputs: Array<TaskInput<T>> },
  ): Promise<ProviderBatchResult<T>>;
  doStream<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderStreamResult>;
  /** Always present on hf (Hub revisions); the signature is core's. */
  resolveModel: NonNullable<ProviderV1['resolveModel']>;
  /** Hub metadata (pipeline tag, private, gated, inference, tags), cached: lets apps infer a task from a model id. */
  modelInfo(options: { model: string | ModelRef; signal?: AbortSignal }): Promise<HfModelInfo>;
  /** The router's chat models (`GET {router}/v1/models`, wire/hf §1.5); absent with a dedicated endpoint. */
  listModels?(options?: { signal?: AbortSignal }): Promise<ProviderModel[]>;
}

const DEFAULT_HUB_TTL_MS = 60_000;
/** The router's prices change rarely; an hour keeps lookups local without going stale for long. */
const DEFAULT_PRICE_CATALOGUE_TTL_MS = 60 * 60 * 1000;

/**
 * The Hugging Face provider: hf-inference serverless routes, the OpenAI-compatible router for chat, and
 * dedicated Inference Endpoints. One upstream call per `do*`; it never retries or sleeps (core does).
 */
export function createHf(settings: HfSettings = {}): HfProvider {
  const name = settings.name ?? 'hf';
  const transport: Transport = settings.transport ?? createHttpTransport();
  const env = () => settings.env ?? process.env;
  const endpointUrl = settings.endpointUrl;
  // The Hub answers public models without a token; the router never does (wire/hf §2.1), a public
  // dedicated endpoint does.
  const hubToken: ApiKeySource = {
    provider: name,
    apiKey: settings.apiKey,
    envNames: HF_TOKEN_ENV,
    env: settings.env,
    required: false,
  };
  const inferenceToken: ApiKeySource = {
    ...hubToken,
    required: !endpointUrl,
    hint: 'a token from https://huggingface.co/settings/tokens with the "Make calls to Inference Providers" permission',
  };
  const hubURL = () => withoutTrailingSlashes(settings.hubURL ?? env().HF_HUB_URL ?? DEFAULT_HUB_URL);
  const warned = new Set<string>();

  const hub = new HubClient({
    provider: name,
    hubURL,
    transport,
    token: () => loadApiKey(hubToken),
    headers: () => settings.headers,
    ttlMs: settings.hubCacheTtlMs ?? DEFAULT_HUB_TTL_MS,
  });

  // The base is read on every call (the env may change) but parsed once per distinct value.
  let resolvedBase: { configured: string | undefined; base: RouterBase } | undefined;
  function routerBase(): RouterBase {
    // HF_INFERENCE_ENDPOINT: huggingface_hub's variable for the serverless API's base (wire/hf §1.7).
    const configured = settings.baseURL ?? (env().HF_BASE_URL || env().HF_INFERENCE_ENDPOINT || undefined);
    if (resolvedBase === undefined || resolvedBase.configured !== configured) {
      resolvedBase = { configured, base: resolveRouterBase(configured) };
      for (const warning of resolvedBase.base.warnings) {
        if (!warned.has(warning.code)) {
          warned.add(warning.code);
          settings.onWarning?.(warning.message);
        }
      }
    }
    return resolvedBase.base;
  }

  function mappingFor<T extends TaskId>(task: T): HfTaskMapping<T> {
    const mapping = hfTaskMapping(task);
    if (!mapping) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `${name} does not serve task "${task}"${task === 'text-to-video' ? ' (HF Inference has no text-to-video route; only third-party providers do, each with its own format)' : ''}`,
        provider: name,
        details: { task },
      });
    }
    return mapping;
  }

  /** Where a call goes, and what its answer is read with (`requestId` is set once the response is in). */
  function routeContext(task: TaskId, model: ModelRef, stream: boolean): HfResponseContext & { warnings: Warning[] } {
    if (model.variant && endpointUrl) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `${name}: "${model.id}:${model.variant}" names a router provider, but this provider sends every call to a dedicated endpoint (endpointUrl)`,
        provider: name,
        details: { field: 'model' },
      });
    }
    if (model.variant && task !== 'chat-completion' && model.variant !== HF_INFERENCE_VARIANT) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `${name}: task "${task}" runs on HF Inference only; the ":${model.variant}" provider suffix is for chat-completion on the router (third-party providers use their own formats for other tasks)`,
        provider: name,
        details: { field: 'model', task },
      });
    }
    const base = routerBase();
    // One literal with every field (absent ones undefined): built on every call, so no conditional spreads.
    return {
      modelId: model.id,
      variant: model.variant || undefined,
      routerBase: base.url,
      endpointUrl,
      textGenerationRoute: settings.textGenerationRoute ?? 'completions',
      stream,
      provider: name,
      task,
      requestId: undefined,
      warnings: base.warnings,
    };
  }

  // Plain calls (no call or task headers: nearly all) share one frozen headers object per token.
  const headersFor = createHeaderCache();
  const billing = settings.billTo ? { 'x-hf-bill-to': settings.billTo } : undefined;

  function send(
    plan: HfRequestPlan,
    call: { signal?: AbortSignal; headers?: Record<string, string>; timeouts?: Partial<Timeouts>; apiKey?: string },
    modelId: string,
    stream: boolean,
  ): Promise<HttpResponse> {
    // The call's own token (a gateway passing on its caller's) wins over the configured one.
    const credential = call.apiKey ?? loadApiKey(inferenceToken);
    const callHeaders =
      plan.headers === undefined
        ? call.headers
        : call.headers === undefined
          ? plan.headers
          : { ...call.headers, ...plan.headers };
    const endpoint: UpstreamEndpoint = {
      transport,
      provider: name,
      url: plan.url,
      headers: headersFor({ settings: settings.headers, call: callHeaders, apiKey: credential, fixed: billing }),
      signal: call.signal,
      timeouts: settings.timeouts ? { ...settings.timeouts, ...call.timeouts } : call.timeouts,
      errorFromResponse: (response) =>
        hfErrorFromResponse(response, {
          provider: name,
          modelId,
          sentToken: credential !== undefined,
          hubURL: hubURL(),
        }),
    };
    const accept = stream ? EVENT_STREAM_MEDIA_TYPE : undefined;
    return plan.body.kind === 'json'
      ? postJson(endpoint, plan.body.json, accept, { fallback: plan.fallback?.json })
      : postBytes(endpoint, plan.body.data, plan.body.contentType, accept);
  }

  async function readBody(
    response: HttpResponse,
    mapping: HfTaskMapping<TaskId>,
    context: HfResponseContext,
  ): Promise<HfResponseBody> {
    const contentType = mediaType(response.contentType);
    if (contentType.includes('json')) return { kind: 'json', json: await response.json() };
    if (mapping.binaryResponse && contentType !== 'text/plain' && contentType !== 'text/html') {
      return {
        kind: 'binary',
        binary: { data: await response.bytes(), contentType: contentType || 'application/octet-stream' },
      };
    }
    // Some servers send JSON without a JSON content type; anything else is not a task answer.
    const text = await response.text();
    try {
      return { kind: 'json', json: JSON.parse(text) };
    } catch {
      throw unexpectedBody(`expected JSON, got ${contentType || 'no content type'}`, text, context);
    }
  }

  /** The largest list `task` is sent in on this provider's target, or undefined when it goes one input per call. */
  function batchSizeOf(task: string, mapping: HfTaskMapping<TaskId>): number | undefined {
    const lists = settings.batch?.lists ?? 'auto';
    if (!mapping.batch || lists === 'off') return undefined;
    if (lists === 'auto' && mapping.batch.targets === 'dedicated' && !endpointUrl) return undefined;
    return settings.batch?.maxBatchSize?.[task as HfBatchTaskId] ?? mapping.batch.maxBatchSize;
  }

  const tasks = Object.fromEntries(
    Object.entries(hfTaskMappings).map(([task, mapping]) => {
      const maxBatchSize = batchSizeOf(task, mapping as HfTaskMapping<TaskId>);
      return [task, maxBatchSize === undefined ? mapping.capabilities : { ...mapping.capabilities, maxBatchSize }];
    }),
  ) as { [T in HfTaskId]: TaskCapabilities };

  // A dedicated endpoint bills by the hour, not by the router's prices: no catalogue there.
  const catalogue =
    endpointUrl || settings.priceCatalogue === false
      ? undefined
      : createHfPriceCatalogue({
          provider: name,
          transport,
          routerURL: () => routerBase().url,
          token: () => loadApiKey(hubToken),
          headers: () => settings.headers,
          ttlMs: settings.priceCatalogueTtlMs ?? DEFAULT_PRICE_CATALOGUE_TTL_MS,
        });

  // The router's list names what it routes (wire/hf §1.5); a dedicated endpoint serves one model, listed nowhere.
  const listModels = endpointUrl
    ? undefined
    : (options: { signal?: AbortSignal } = {}) => {
        const token = loadApiKey(hubToken);
        return listOpenAIModels({
          transport,
          provider: name,
          url: `${routerBase().url}/v1/models`,
          headers: buildHeaders({ settings: settings.headers, apiKey: token }),
          signal: options.signal,
          errorFromResponse: (answer) =>
            hfErrorFromResponse(answer, { provider: name, modelId: '(model list)', sentToken: token !== undefined }),
        });
      };

  return {
    specificationVersion: 'v1',
    name,
    tasks,
    pricing: { catalogue, defaults: hfDefaultPrices },
    credentials: () => apiKeyStatus(inferenceToken),
    ...(listModels ? { listModels } : {}),

    async doRun(options) {
      const mapping = mappingFor(options.task);
      const context = routeContext(options.task, options.model, false);
      const plan = await mapping.request(options.input, context);
      const response = await send(plan, options, context.modelId, false);
      context.requestId = response.requestId;
      const body = await readBody(response, mapping as HfTaskMapping<TaskId>, context);
      const mapped = mapping.response(body, context, options.input);
      return {
        output: mapped.output,
        usage: mapped.usage
          ? mergeUsage(usageFromHeaders(response.headers), mapped.usage)
          : usageFromHeaders(response.headers),
        warnings: warningsOf(context, plan),
        requestId: response.requestId,
        firstByteMs: response.firstByteMs,
      };
    },

    async doBatch(options) {
      const mapping = mappingFor(options.task);
      const maxBatchSize = batchSizeOf(options.task, mapping as HfTaskMapping<TaskId>);
      if (!mapping.batch || maxBatchSize === undefined) {
        throw new InfermuxError({
          code: 'caller_unsupported',
          message: `${name} sends task "${options.task}" one input per call${mapping.batch ? ' here (lists go to dedicated endpoints; see the batch.lists setting)' : ''}`,
          provider: name,
          details: { task: options.task, operation: 'batch' },
        });
      }
      if (options.inputs.length > maxBatchSize) {
        throw new InfermuxError({
          code: 'caller_invalid_input',
          message: `inputs: ${options.inputs.length} inputs, more than the ${maxBatchSize} ${name} sends in one call for "${options.task}"`,
          provider: name,
          details: { field: 'inputs', maxBatchSize },
        });
      }
      const context = routeContext(options.task, options.model, false);
      const plan = await mapping.batch.request(options.inputs, context);
      const response = await send(plan, options, context.modelId, false);
      context.requestId = response.requestId;
      const body = await readBody(response, mapping as HfTaskMapping<TaskId>, context);
      const mapped = mapping.batch.response(body, options.inputs, context);
      return {
        outputs: mapped.outputs,
        usage: mergeUsage(usageFromHeaders(response.headers), mapped.usage ?? {}),
        warnings: warningsOf(context, plan),
        requestId: response.requestId,
      };
    },

    async doStream(options) {
      const mapping = mappingFor(options.task);
      if (!mapping.streamFraming) {
        throw new InfermuxError({
          code: 'caller_unsupported',
          message: `${name} cannot stream task "${options.task}"`,
          provider: name,
          details: { task: options.task },
        });
      }
      const context = routeContext(options.task, options.model, true);
      const plan = await mapping.request(options.input, context);
      const answer = await send(plan, options, context.modelId, true);
      const streamContext = { provider: name, modelId: context.modelId, requestId: answer.requestId };
      const framing = mapping.streamFraming(context);
      const response = await eventStreamOf(answer, framing, streamContext);
      const headerUsage = usageFromHeaders(response.headers);
      const stream = readHfStream(response, framing, streamContext);
      // Not for chat: core rebuilds chat `usage` from usage parts, and a tokenless part would read as 0 tokens.
      const leadingUsage = framing !== 'openai-chat' && Object.keys(headerUsage).length > 0;
      return {
        stream: leadingUsage ? withLeadingUsage(stream, headerUsage) : stream,
        requestId: response.requestId,
        firstByteMs: response.firstByteMs,
        warnings: warningsOf(context, plan),
      };
    },

    // Chat only: the router and chat endpoints speak OpenAI's wire, so their bytes can be handed on as they are.
    async doForward(options) {
      if (options.task !== 'chat-completion' || options.wire !== 'openai') {
        throw new InfermuxError({
          code: 'caller_unsupported',
          message: `${name} forwards only chat-completion in the openai wire format`,
          provider: name,
          details: { task: options.task },
        });
      }
      const { upstreamInput, keepUsage } = chatInputForForward(options.input as TaskInput<'chat-completion'>, {
        stream: options.stream,
      });
      const context = routeContext('chat-completion', options.model, options.stream);
      const plan = await mappingFor('chat-completion').request(upstreamInput, context);
      const answer = await send(plan, options, context.modelId, options.stream);
      const response = options.stream
        ? await eventStreamOf(answer, 'openai-chat', {
            provider: name,
            modelId: context.modelId,
            requestId: answer.requestId,
          })
        : answer;
      const result = await forwardChatResponse(response, {
        provider: name,
        modelId: context.modelId,
        stream: options.stream,
        keepUsage,
      });
      const warnings = warningsOf(context, plan);
      return warnings.length > 0 ? { ...result, warnings } : result;
    },

    async resolveModel({ task, model, signal, revisionPolicy, timeouts }) {
      const policy = revisionPolicy ?? settings.revisionPolicy;
      requirePinnedRevision(model, policy, name);
      if (!model.revision) return { id: model.id };
      const requested = await hub.resolveRevision(model.id, model.revision, signal, timeouts);
      const servesHead = !endpointUrl && (task !== 'chat-completion' || model.variant === HF_INFERENCE_VARIANT);
      let reason: string;
      let served: string | undefined;
      if (servesHead) {
        // HF Inference takes no revision parameter and serves the default branch (wire/hf §8): a pin holds
        // only while it is the head. This detects drift; it cannot enforce the pin.
        const head = (await hub.modelInfo(model.id, signal, timeouts)).sha;
        if (head === requested) return { id: model.id, revision: requested, pinned: true };
        served = head;
        reason = `HF Inference serves the default branch of ${model.id}, whose head is ${head ?? '(unknown)'}; it cannot run ${model.revision === requested ? requested : `${model.revision} (${requested})`} because serverless routes take no revision`;
      } else if (endpointUrl) {
        reason = `a dedicated endpoint serves the revision it was deployed with, which cannot be checked from its URL; ${model.id}@${model.revision} (${requested}) is not enforced`;
      } else {
        reason = `the router's providers serve their own deployment of ${model.id} and take no revision; ${model.revision} (${requested}) is not enforced`;
      }
      const warning = revisionNotServed({
        provider: name,
        model,
        policy,
        reason,
        details: { requestedCommit: requested, ...(served ? { headCommit: served } : {}) },
      });
      return { id: model.id, ...(served ? { revision: served } : {}), pinned: false, warnings: [warning] };
    },

    modelInfo({ model, signal }) {
      return hub.modelInfo(toModelRef(model).id, signal);
    },
  };
}

/** The route's and the task's warnings: a fresh list, copied only when there are any. */
function warningsOf(context: { warnings: Warning[] }, plan: HfRequestPlan): Warning[] {
  return context.warnings.length > 0 || plan.warnings !== undefined
    ? [...context.warnings, ...(plan.warnings ?? [])]
    : [];
}

const mediaTypes = new Map<string, string>();
/** `Application/JSON; charset=utf-8` → `application/json`; cached, as servers send the same few values. */
function mediaType(contentType: string): string {
  let type = mediaTypes.get(contentType);
  if (type === undefined) {
    type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaTypes.size >= 64) mediaTypes.clear();
    mediaTypes.set(contentType, type);
  }
  return type;
}

/** Compute time and characters come in headers, before any event: they lead the stream as one usage part. */
async function* withLeadingUsage(stream: AsyncIterable<StreamPart>, usage: Usage): AsyncGenerator<StreamPart> {
  yield { type: 'usage' as const, usage };
  yield* stream;
}

/** The default provider: token from `HF_TOKEN` / `HF_API_TOKEN`, read at call time. */
export const hf: HfProvider = createHf();

/** Hub metadata of a model through a provider's cache (the default `hf` unless given). */
export function getModelInfo(
  model: string | ModelRef,
  options: { provider?: HfProvider; signal?: AbortSignal } = {},
): Promise<HfModelInfo> {
  return (options.provider ?? hf).modelInfo({ model, signal: options.signal });
}
