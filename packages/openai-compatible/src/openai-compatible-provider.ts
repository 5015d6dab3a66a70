import {
  createHttpTransport,
  type ForwardCallOptions,
  InfermuxError,
  type ProviderBatchResult,
  type ProviderCallOptions,
  type ProviderForwardResult,
  type ProviderRunResult,
  type ProviderStreamResult,
  type ProviderV1,
  type TaskCapabilities,
  type TaskId,
  type TaskInput,
  type Timeouts,
  type Transport,
} from '@infermux/core';
import {
  type ApiKeySource,
  apiKeyStatus,
  createHeaderCache,
  type ErrorFromResponse,
  joinURL,
  loadApiKey,
  type UpstreamEndpoint,
} from '@infermux/core/provider-utils';
import type { EmbeddingEncoding } from './embeddings';
import { forwardChatCompletion } from './forward-chat';
import { listOpenAIModels, type OpenAIModel } from './list-models';
import { openAIErrorFromResponse } from './openai-error';
import {
  batchEmbeddings,
  runChatCompletion,
  runEmbeddings,
  runTextCompletion,
  streamChatCompletion,
  streamTextCompletion,
} from './openai-operations';
import { revisionWarnings, upstreamModelId } from './upstream-model';

export interface OpenAICompatibleSettings {
  /** Registry name (`local-vllm`, `openai`, …); also used in errors. */
  name: string;
  /** Base URL **including** the version prefix, as openai-node takes it: `http://localhost:8000/v1`. */
  baseURL: string;
  apiKey?: string;
  /** Env variable holding the key; read on the first call. With neither, no `Authorization` is sent. */
  apiKeyEnv?: string;
  headers?: Record<string, string>;
  transport?: Transport;
  /** Send `stream_options: { include_usage: true }` so usage arrives at the end of streams. Default true. */
  includeUsageInStream?: boolean;
  /** `float` (default, understood by every server) or `base64` (smaller; OpenAI, vLLM, TEI). */
  embeddingEncoding?: EmbeddingEncoding;
  /** Largest number of texts per `/v1/embeddings` call. Default 256. */
  maxEmbeddingBatchSize?: number;
  /** Serve only these tasks (an upstream that has no `/v1/completions`, say). Default: all three. */
  tasks?: readonly OpenAICompatibleTask[];
  /** Map the upstream's error bodies your own way; default `openAIErrorFromResponse`. */
  errorFromResponse?: ErrorFromResponse;
  timeouts?: Partial<Timeouts>;
}

export type OpenAICompatibleTask = 'chat-completion' | 'text-generation' | 'feature-extraction';

export interface OpenAICompatibleProvider extends ProviderV1 {
  readonly baseURL: string;
  /** `GET {baseURL}/models`. */
  listModels(options?: { signal?: AbortSignal }): Promise<OpenAIModel[]>;
}

interface TaskHandler {
  path: string;
  capabilities: (settings: OpenAICompatibleSettings) => TaskCapabilities;
  run: (
    endpoint: UpstreamEndpoint,
    input: never,
    modelId: string,
    settings: OpenAICompatibleSettings,
  ) => Promise<ProviderRunResult<never>>;
  stream?: (
    endpoint: UpstreamEndpoint,
    input: never,
    modelId: string,
    settings: OpenAICompatibleSettings,
  ) => Promise<ProviderStreamResult>;
  batch?: (
    endpoint: UpstreamEndpoint,
    inputs: never[],
    modelId: string,
    settings: OpenAICompatibleSettings,
  ) => Promise<ProviderBatchResult<never>>;
  /** Answer with the upstream's bytes (OpenAI wire format) instead of the mapped output. */
  forward?: (
    endpoint: UpstreamEndpoint,
    input: never,
    modelId: string,
    settings: OpenAICompatibleSettings,
    stream: boolean,
  ) => Promise<ProviderForwardResult>;
}

/** What each task maps to. Adding a task = one entry here plus its mapping file. */
const taskHandlers = {
  'chat-completion': {
    path: 'chat/completions',
    capabilities: () => ({ streaming: true, wire: ['openai'] }),
    run: (endpoint, input: TaskInput<'chat-completion'>, modelId) => runChatCompletion(endpoint, input, modelId),
    stream: (endpoint, input: TaskInput<'chat-completion'>, modelId, settings) =>
      streamChatCompletion(endpoint, input, modelId, { includeUsage: settings.includeUsageInStream }),
    forward: (endpoint, input: TaskInput<'chat-completion'>, modelId, settings, stream) =>
      forwardChatCompletion(endpoint, input, modelId, { stream, includeUsage: settings.includeUsageInStream }),
  },
  'text-generation': {
    path: 'completions',
    capabilities: () => ({ streaming: true }),
    run: (endpoint, input: TaskInput<'text-generation'>, modelId) => runTextCompletion(endpoint, input, modelId),
    stream: (endpoint, input: TaskInput<'text-generation'>, modelId, settings) =>
      streamTextCompletion(endpoint, input, modelId, { includeUsage: settings.includeUsageInStream }),
  },
  'feature-extraction': {
    path: 'embeddings',
    capabilities: (settings) => ({ maxBatchSize: settings.maxEmbeddingBatchSize ?? 256 }),
    run: (endpoint, input: TaskInput<'feature-extraction'>, modelId, settings) =>
      runEmbeddings(endpoint, input, modelId, settings.embeddingEncoding),
    batch: (endpoint, inputs: Array<TaskInput<'feature-extraction'>>, modelId, settings) =>
      batchEmbeddings(endpoint, inputs, modelId, settings.embeddingEncoding),
  },
} satisfies Record<OpenAICompatibleTask, TaskHandler>;

/** A provider for any upstream that speaks OpenAI's chat, completions and embeddings API. */
export function createOpenAICompatible(settings: OpenAICompatibleSettings): OpenAICompatibleProvider {
  const provider = settings.name;
  const served = settings.tasks ?? (Object.keys(taskHandlers) as OpenAICompatibleTask[]);
  let transport = settings.transport;
  const tasks: Partial<Record<TaskId, TaskCapabilities>> = {};
  for (const task of served) tasks[task] = taskHandlers[task].capabilities(settings);

  // Built once per provider, not per call: each operation's URL and the headers of plain calls.
  const urls = new Map<string, string>();
  const headersFor = createHeaderCache();
  // A named env variable that is unset is an error; with neither a key nor a variable, none is sent.
  const keySource: ApiKeySource = {
    provider,
    apiKey: settings.apiKey,
    envNames: settings.apiKeyEnv ? [settings.apiKeyEnv] : undefined,
    required: Boolean(settings.apiKeyEnv),
  };
  const errorFromResponse = settings.errorFromResponse ?? openAIErrorFromResponse;
  const endpoint = (
    path: string,
    call: { headers?: Record<string, string>; signal?: AbortSignal; timeouts?: Partial<Timeouts>; apiKey?: string },
  ): UpstreamEndpoint => {
    transport ??= createHttpTransport();
    // The call's own key (a gateway passing on its caller's) wins over the configured one.
    const apiKey = call.apiKey ?? loadApiKey(keySource);
    let url = urls.get(path);
    if (url === undefined) {
      url = joinURL(settings.baseURL, path);
      urls.set(path, url);
    }
    return {
      transport,
      provider,
      url,
      headers: headersFor({ settings: settings.headers, call: call.headers, apiKey }),
      signal: call.signal,
      timeouts: settings.timeouts ? { ...settings.timeouts, ...call.timeouts } : call.timeouts,
      errorFromResponse,
    };
  };

  const handlerFor = (task: TaskId, what: 'run' | 'stream' | 'batch' | 'forward'): TaskHandler => {
    const handler = served.includes(task as OpenAICompatibleTask)
      ? (taskHandlers[task as OpenAICompatibleTask] as TaskHandler)
      : undefined;
    if (!handler?.[what]) {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `Provider "${provider}" cannot ${what} task "${task}" (it serves: ${served.join(', ')})`,
        provider,
        details: { task, operation: what },
      });
    }
    return handler;
  };

  return {
    specificationVersion: 'v1',
    name: provider,
    baseURL: settings.baseURL,
    tasks,
    credentials: () => apiKeyStatus(keySource),

    async doRun<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderRunResult<T>> {
      const handler = handlerFor(options.task, 'run');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await handler.run(
        endpoint(handler.path, options),
        options.input as never,
        upstreamModelId(options.model),
        settings,
      );
      // The handler's result is ours and fresh: revision warnings are added to it, not to a copy.
      if (warnings.length > 0) result.warnings = [...warnings, ...(result.warnings ?? [])];
      return result as ProviderRunResult<T>;
    },

    async doStream<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderStreamResult> {
      const handler = handlerFor(options.task, 'stream');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await (handler.stream as NonNullable<TaskHandler['stream']>)(
        endpoint(handler.path, options),
        options.input as never,
        upstreamModelId(options.model),
        settings,
      );
      if (warnings.length > 0) result.warnings = [...warnings, ...(result.warnings ?? [])];
      return result;
    },

    async doBatch<T extends TaskId>(
      options: Omit<ProviderCallOptions<T>, 'input'> & { inputs: Array<TaskInput<T>> },
    ): Promise<ProviderBatchResult<T>> {
      const handler = handlerFor(options.task, 'batch');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await (handler.batch as NonNullable<TaskHandler['batch']>)(
        endpoint(handler.path, options),
        options.inputs as never[],
        upstreamModelId(options.model),
        settings,
      );
      return { ...result, warnings: [...warnings, ...(result.warnings ?? [])] } as ProviderBatchResult<T>;
    },

    async doForward<T extends TaskId>(options: ForwardCallOptions<T>): Promise<ProviderForwardResult> {
      const handler = handlerFor(options.task, 'forward');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await (handler.forward as NonNullable<TaskHandler['forward']>)(
        endpoint(handler.path, options),
        options.input as never,
        upstreamModelId(options.model),
        settings,
        options.stream,
      );
      return warnings.length > 0 ? { ...result, warnings: [...warnings, ...(result.warnings ?? [])] } : result;
    },

    listModels(options = {}) {
      return listOpenAIModels(endpoint('models', options));
    },
  };
}
