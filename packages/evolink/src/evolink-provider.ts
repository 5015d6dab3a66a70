import {
  createHttpTransport,
  type ForwardCallOptions,
  type HttpResponse,
  InfermuxError,
  type JobCallOptions,
  type JobStatus,
  type ProviderCallOptions,
  type ProviderForwardResult,
  type ProviderOperation,
  type ProviderRunResult,
  type ProviderStreamResult,
  type ProviderV1,
  type TaskId,
  type TaskInput,
  type Timeouts,
  type Transport,
  type Warning,
} from '@infermux/core';
import {
  type ApiKeySource,
  apiKeyStatus,
  createHeaderCache,
  type ErrorFromResponse,
  getJson,
  JSON_MEDIA_TYPE,
  joinURL,
  loadApiKey,
  parseUpstream,
  postJson,
  type UpstreamEndpoint,
} from '@infermux/core/provider-utils';
import {
  forwardChatCompletion,
  revisionWarnings,
  runChatCompletion,
  streamChatCompletion,
  upstreamModelId,
} from '@infermux/openai-compatible/internal';
import { evolinkDefaultPrices } from './evolink-default-prices';
import { type EvolinkOperation, evolinkErrorFromResponse, submissionNetworkError } from './evolink-error';
import { checkModelCapabilities, type EvolinkJobTask } from './evolink-model-capabilities';
import { EVOLINK_API_KEY_ENV, type EvolinkSettings, resolveBaseURLs } from './evolink-settings';
import { evolinkTaskSchema } from './evolink-task-schema';
import { taskToJobStatus } from './evolink-task-status';

/** How a message words an operation whose name alone reads badly before "task". */
const operationWords: Partial<Record<ProviderOperation, string>> = {
  start: 'start a job for',
  status: 'report job status for',
};

/** Where each async task is submitted. Adding a media task = one entry (plus its capabilities rows). */
const jobEndpoints: Record<EvolinkJobTask, string> = {
  'image-generation': 'v1/images/generations',
  'video-generation': 'v1/videos/generations',
};

const isJobTask = (task: TaskId): task is EvolinkJobTask => Object.hasOwn(jobEndpoints, task);

export interface EvolinkProvider extends ProviderV1 {
  /** The base URLs calls go to right now (env included). */
  baseURLs(): { api: string; text: string };
}

type CallContext = {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeouts?: Partial<Timeouts>;
  apiKey?: string;
};

/**
 * EvoLink: chat through the shared OpenAI-compatible mapping, image and video generation as async
 * jobs (`doStart` → task object, `doStatus` → `GET /v1/tasks/{id}`). Core's `waitForJob` polls.
 */
export function createEvolink(settings: EvolinkSettings = {}): EvolinkProvider {
  const provider = settings.name ?? 'evolink';
  let transport: Transport | undefined = settings.transport;

  // Once per provider, not per call: the headers of plain calls, each operation's error mapper, the chat URL.
  const headersFor = createHeaderCache();
  const keySource: ApiKeySource = { provider, apiKey: settings.apiKey, envNames: [EVOLINK_API_KEY_ENV] };
  const errorMappers = {
    chat: evolinkErrorFromResponse('chat'),
    submit: evolinkErrorFromResponse('submit'),
    status: evolinkErrorFromResponse('status'),
  } satisfies Record<EvolinkOperation, ErrorFromResponse>;
  const endpoint = (url: string, call: CallContext, operation: EvolinkOperation): UpstreamEndpoint => {
    transport ??= createHttpTransport();
    return {
      transport,
      provider,
      url,
      // The call's own key (a gateway passing on its caller's) wins over the configured one.
      headers: headersFor({
        settings: settings.headers,
        call: call.headers,
        apiKey: call.apiKey ?? loadApiKey(keySource),
      }),
      signal: call.signal,
      timeouts: settings.timeouts ? { ...settings.timeouts, ...call.timeouts } : call.timeouts,
      errorFromResponse: errorMappers[operation],
    };
  };

  const unsupported = (task: TaskId, operation: ProviderOperation, hint = '') =>
    new InfermuxError({
      code: 'caller_unsupported',
      message: `Provider "${provider}" cannot ${operationWords[operation] ?? operation} task "${task}"${hint}`,
      provider,
      details: { task, operation },
    });

  // The text base is read per call (the env may change); the URL is joined again only when it does.
  let chatURL: { base: string; url: string } | undefined;
  const chatEndpoint = (call: CallContext) => {
    const base = resolveBaseURLs(settings).text;
    if (chatURL?.base !== base) chatURL = { base, url: joinURL(base, 'v1/chat/completions') };
    return endpoint(chatURL.url, call, 'chat');
  };

  async function readStatus<T extends EvolinkJobTask>(response: HttpResponse, jobTask: T): Promise<JobStatus<T>> {
    const task = parseUpstream(evolinkTaskSchema, await response.json(), { provider }, 'a task object');
    return taskToJobStatus(task, { jobTask, provider, requestId: response.requestId });
  }

  return {
    specificationVersion: 'v1',
    name: provider,
    pricing: { defaults: evolinkDefaultPrices },
    credentials: () => apiKeyStatus(keySource),
    tasks: {
      'chat-completion': { streaming: true, wire: ['openai'] },
      // A submission is a paid job and EvoLink takes no idempotency key: never resubmit on error.
      'image-generation': { async: true, idempotentSubmit: false },
      'video-generation': { async: true, idempotentSubmit: false },
    },
    baseURLs: () => resolveBaseURLs(settings),

    async doRun<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderRunResult<T>> {
      if (options.task !== 'chat-completion') {
        throw unsupported(
          options.task,
          'run',
          isJobTask(options.task) ? ': it runs as an async job (client.submit, then waitForJob)' : '',
        );
      }
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await runChatCompletion(
        chatEndpoint(options),
        options.input as TaskInput<'chat-completion'>,
        upstreamModelId(options.model),
      );
      // The mapped result is ours and fresh: warnings are set on it, not on a copy.
      result.warnings = warnings;
      return result as ProviderRunResult<T>;
    },

    async doStream<T extends TaskId>(options: ProviderCallOptions<T>): Promise<ProviderStreamResult> {
      if (options.task !== 'chat-completion') throw unsupported(options.task, 'stream');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await streamChatCompletion(
        chatEndpoint(options),
        options.input as TaskInput<'chat-completion'>,
        upstreamModelId(options.model),
      );
      result.warnings = warnings;
      return result;
    },

    async doForward<T extends TaskId>(options: ForwardCallOptions<T>): Promise<ProviderForwardResult> {
      if (options.task !== 'chat-completion') throw unsupported(options.task, 'forward');
      const warnings = revisionWarnings(options.model, options.revisionPolicy, provider);
      const result = await forwardChatCompletion(
        chatEndpoint(options),
        options.input as TaskInput<'chat-completion'>,
        upstreamModelId(options.model),
        { stream: options.stream },
      );
      return warnings.length > 0 ? { ...result, warnings } : result;
    },

    async doStart<T extends TaskId>(options: ProviderCallOptions<T>): Promise<JobStatus<T>> {
      const task = options.task;
      if (!isJobTask(task))
        throw unsupported(task, 'start', ': only image-generation and video-generation run as jobs');
      const warnings: Warning[] = revisionWarnings(options.model, options.revisionPolicy, provider);
      const modelId = upstreamModelId(options.model);
      const input = options.input as TaskInput<EvolinkJobTask>;
      // Checked before the paid call, so a wrong parameter never costs a job.
      warnings.push(...checkModelCapabilities(task, modelId, input));
      const body = { model: modelId, ...withoutUndefined(input) };
      const url = joinURL(resolveBaseURLs(settings).api, jobEndpoints[task]);
      let response: HttpResponse;
      try {
        response = await postJson(endpoint(url, options, 'submit'), body, JSON_MEDIA_TYPE);
      } catch (error) {
        throw submissionNetworkError(error);
      }
      const status = await readStatus(response, task);
      return (warnings.length > 0 ? { ...status, warnings } : status) as unknown as JobStatus<T>;
    },

    async doStatus<T extends TaskId>(options: JobCallOptions<T>): Promise<JobStatus<T>> {
      const task = options.task;
      if (!isJobTask(task)) throw unsupported(task, 'status');
      const url = joinURL(resolveBaseURLs(settings).api, `v1/tasks/${encodeURIComponent(options.jobId)}`);
      const response = await getJson(endpoint(url, options, 'status'));
      return (await readStatus(response, task)) as unknown as JobStatus<T>;
    },

    async doCancel<T extends TaskId>(options: JobCallOptions<T>): Promise<JobStatus<T>> {
      // EvoLink reports `task_info.can_cancel` but documents no cancel endpoint (checked: docs, its MCP client).
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `Provider "${provider}" cannot cancel job ${options.jobId}: EvoLink's API has no cancel endpoint. The job keeps running; stop waiting with an AbortSignal and fetch it later by id if needed.`,
        provider,
        details: { jobId: options.jobId, task: options.task, operation: 'cancel' },
      });
    },
  };
}

function withoutUndefined(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}

/** The default instance: key from `EVOLINK_API_KEY`, base URL from `EVOLINK_BASE_URL` (both read per call). */
export const evolink: EvolinkProvider = createEvolink();
