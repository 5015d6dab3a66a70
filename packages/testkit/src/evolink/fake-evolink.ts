import type { FakeRoute } from '../fake-route.js';
import { type FakeServer, startFakeServer } from '../fake-server.js';
import type { FaultHandle, FaultMatcher } from '../fault.js';
import type { FakeHeaders } from '../merge-headers.js';
import { type FakeOpenAIRouteOptions, openAIRoutes } from '../openai/openai-routes.js';
import type { RecordedRequest } from '../recorded-request.js';
import type { FakeResponseTools } from '../response-tools.js';
import { evolinkErrorBody, evolinkTaskId, evolinkTaskIdPattern, fakeMedia } from './evolink-wire.js';

export type FakeEvolinkKind = 'image' | 'video';

/** How a submitted task behaves over its life. */
export type FakeJobBehaviour =
  | {
      outcome: 'succeed';
      /** Complete on this status poll (1 = the first). Default 3. Ignored when `afterMs` is set. */
      afterPolls?: number;
      /** Complete once this long has passed since submission (ms), whatever the polls. */
      afterMs?: number;
      /** Result URLs produced; default `n` (images) or 1. */
      results?: number;
      /** Complete only at a poll where this returns true (a test holds jobs running, then lets them go). */
      when?: () => boolean;
    }
  | { outcome: 'fail'; afterPolls?: number; afterMs?: number; code: string; message?: string; type?: string }
  /** Never finishes: `processing` forever. */
  | { outcome: 'stall' };

export interface FakeEvolinkOptions extends Pick<FakeOpenAIRouteOptions, 'reply' | 'streamDelayMs'> {
  /** Require `Authorization: Bearer <apiKey>`; otherwise 401 with EvoLink's error body. */
  apiKey?: string;
  /** Known models per kind; any other model is a 400 `invalid_request_error` on `model`. */
  imageModels?: readonly string[];
  videoModels?: readonly string[];
  /** Chat models; any other gets the OpenAI-style 404. Default: every name. */
  chatModels?: readonly string[];
  /**
   * Behaviour per submitted task. Default: by prompt — `[fail:<code>]` fails with that code,
   * `[stall]` never finishes, anything else succeeds on the 3rd poll.
   */
  behaviour?: (request: {
    kind: FakeEvolinkKind;
    model: string;
    prompt: string;
    body: Record<string, unknown>;
  }) => FakeJobBehaviour;
  /** Credits held per task (`usage.credits_reserved`); default 1.8 for images, 7 for video. */
  creditsReserved?: (request: { kind: FakeEvolinkKind; model: string }) => number;
  /** Answer 402 "Insufficient balance" to every submission. */
  insufficientBalance?: boolean;
  /** `task_info.estimated_time` in seconds; default 45 (image) / 300 (video). */
  estimatedSeconds?: (kind: FakeEvolinkKind) => number;
  /** Also report `usage` in `GET /v1/tasks/{id}` (the docs' example omits it; the MCP types it as optional). */
  usageInTaskDetail?: boolean;
  /** Add the routes to this server instead of starting one. */
  server?: FakeServer;
}

interface FakeTask {
  id: string;
  kind: FakeEvolinkKind;
  model: string;
  created: number;
  createdAtMs: number;
  polls: number;
  behaviour: FakeJobBehaviour;
  requestedCount: number;
  credits: number;
  estimatedTime: number;
  videoDuration?: number;
}

export interface FakeEvolink {
  readonly server: FakeServer;
  /** `http://127.0.0.1:<port>`: EvoLink paths start with `/v1`. */
  readonly baseURL: string;
  /** Tasks created so far, by id. */
  readonly tasks: ReadonlyMap<string, Readonly<FakeTask>>;
  /** Requests received for a method and path prefix, e.g. `count('POST', '/v1/images/generations')`. */
  count(method: string, pathPrefix: string): number;
  /** Answers the next matching request(s) with EvoLink's error body and the given status/headers. */
  failWith(
    matcher: FaultMatcher,
    status: number,
    error: { message: string; code?: string | number; type?: string; param?: string },
    options?: { headers?: FakeHeaders; times?: number },
  ): FaultHandle;
  close(): Promise<void>;
}

const defaultImageModels = [
  'doubao-seedream-4.0',
  'doubao-seedream-4.5',
  'gpt-image-1',
  'gpt-image-1.5',
  'gpt-4o-image',
  'gemini-3.1-flash-image-preview',
  'z-image-turbo',
];
const defaultVideoModels = ['sora-2', 'sora-2-preview', 'sora-2-pro', 'veo3-fast', 'veo3.1-fast', 'seedance-1.5-pro'];

/** The default script: prompts carry their own fate, so user-style tests need no setup. */
export function behaviourFromPrompt(prompt: string): FakeJobBehaviour {
  const failure = /\[fail:([a-z_]+)\]/.exec(prompt);
  if (failure)
    return { outcome: 'fail', code: failure[1] as string, message: `Task failed: ${failure[1]}`, afterPolls: 2 };
  if (prompt.includes('[stall]')) return { outcome: 'stall' };
  return { outcome: 'succeed', afterPolls: 3 };
}

/**
 * A fake EvoLink (wire/evolink.md): OpenAI-style chat (plain and streaming), image and video task
 * creation returning the documented task objects, `GET /v1/tasks/{id}` moving through
 * pending → processing → completed | failed by poll count or time, result files served by the fake,
 * EvoLink's error bodies, and the base fault injection through `server.fault`.
 */
export async function startFakeEvolink(options: FakeEvolinkOptions = {}): Promise<FakeEvolink> {
  const server = options.server ?? (await startFakeServer());
  const tasks = new Map<string, FakeTask>();
  const fileURL = (task: FakeTask, index: number) =>
    `${server.url}/files/${task.id}/${index}.${fakeMedia[task.kind].extension}`;

  const authorized = (request: RecordedRequest, response: FakeResponseTools): boolean => {
    if (options.apiKey === undefined || request.headers.authorization === `Bearer ${options.apiKey}`) return true;
    response.json(401, evolinkErrorBody('Invalid or expired API key', { code: 401, type: 'authentication_error' }));
    return false;
  };

  const chatRoutes = openAIRoutes({
    apiKey: options.apiKey,
    models: options.chatModels,
    reply: options.reply,
    streamDelayMs: options.streamDelayMs,
    // The id and usage shape of the docs' gpt-5.5 example (wire/evolink §2.3).
    idPrefix: `chatcmpl-${new Date().toISOString().replace(/\D/g, '').slice(0, 17)}`,
    extraUsage: {
      prompt_tokens_details: { cached_tokens: 0, text_tokens: 0, audio_tokens: 0, image_tokens: 0 },
      completion_tokens_details: { text_tokens: 0, audio_tokens: 0, reasoning_tokens: 0 },
      input_tokens: 0,
      output_tokens: 0,
      input_tokens_details: null,
    },
    // The Smart Router answers with the model it picked (wire/evolink §2.5).
    answeredModel: (requested) => (requested === 'evolink/auto' ? 'gpt-5.2' : requested),
  }).filter((route) => route.path === '/v1/chat/completions');

  const create =
    (kind: FakeEvolinkKind): FakeRoute['handler'] =>
    (request, response) => {
      if (!authorized(request, response)) return;
      let body: Record<string, unknown>;
      try {
        body = request.json<Record<string, unknown>>();
      } catch {
        response.json(400, evolinkErrorBody('Invalid JSON body', { code: 400, type: 'invalid_request_error' }));
        return;
      }
      const known =
        kind === 'image' ? (options.imageModels ?? defaultImageModels) : (options.videoModels ?? defaultVideoModels);
      if (typeof body.prompt !== 'string' || body.prompt.length === 0) {
        response.json(
          400,
          evolinkErrorBody('prompt is required', { code: 400, type: 'invalid_request_error', param: 'prompt' }),
        );
        return;
      }
      const model = body.model;
      if (typeof model !== 'string' || !known.includes(model)) {
        response.json(
          400,
          evolinkErrorBody(`Invalid model: ${String(model)}`, {
            code: 400,
            type: 'invalid_request_error',
            param: 'model',
          }),
        );
        return;
      }
      if (options.insufficientBalance) {
        response.json(
          402,
          evolinkErrorBody('Insufficient balance. Top up at https://evolink.ai/dashboard/billing', {
            code: 402,
            type: 'insufficient_quota_error',
          }),
        );
        return;
      }
      const createdAtMs = Date.now();
      const created = Math.floor(createdAtMs / 1000);
      const task: FakeTask = {
        id: evolinkTaskId(created),
        kind,
        model,
        created,
        createdAtMs,
        polls: 0,
        behaviour: options.behaviour?.({ kind, model, prompt: body.prompt, body }) ?? behaviourFromPrompt(body.prompt),
        requestedCount: kind === 'image' && typeof body.n === 'number' ? body.n : 1,
        credits: options.creditsReserved?.({ kind, model }) ?? (kind === 'image' ? 1.8 : 7),
        estimatedTime: options.estimatedSeconds?.(kind) ?? (kind === 'image' ? 45 : 300),
        ...(kind === 'video' ? { videoDuration: typeof body.duration === 'number' ? body.duration : 9 } : {}),
      };
      tasks.set(task.id, task);
      // Verbatim shape of the docs' create responses (wire/evolink §3.2, §4.2).
      response.json(200, {
        created: task.created,
        id: task.id,
        model: task.model,
        object: `${kind}.generation.task`,
        progress: 0,
        status: 'pending',
        task_info: {
          can_cancel: true,
          estimated_time: task.estimatedTime,
          ...(task.videoDuration !== undefined ? { video_duration: task.videoDuration } : {}),
        },
        type: kind,
        usage: { billing_rule: 'per_call', credits_reserved: task.credits, user_group: 'default' },
      });
    };

  const status: FakeRoute['handler'] = (request, response) => {
    if (!authorized(request, response)) return;
    const id = request.params.id as string;
    if (!evolinkTaskIdPattern.test(id)) {
      response.json(
        400,
        evolinkErrorBody('Invalid task ID format, must start with task-unified-', { code: 'invalid_task_id' }),
      );
      return;
    }
    const task = tasks.get(id);
    if (!task) {
      response.json(404, evolinkErrorBody('Task not found', { code: 404, type: 'not_found_error' }));
      return;
    }
    task.polls += 1;
    const behaviour = task.behaviour;
    const elapsed = Date.now() - task.createdAtMs;
    const finished =
      behaviour.outcome !== 'stall' &&
      (behaviour.afterMs !== undefined ? elapsed >= behaviour.afterMs : task.polls >= (behaviour.afterPolls ?? 3)) &&
      (behaviour.outcome !== 'succeed' || behaviour.when === undefined || behaviour.when());
    const base = {
      created: task.created,
      id: task.id,
      model: task.model,
      object: `${task.kind}.generation.task`,
      type: task.kind,
      ...(options.usageInTaskDetail
        ? { usage: { billing_rule: 'per_call', credits_reserved: task.credits, user_group: 'default' } }
        : {}),
    };
    if (finished && behaviour.outcome === 'succeed') {
      const count = behaviour.results ?? task.requestedCount;
      response.json(200, {
        ...base,
        progress: 100,
        results: Array.from({ length: count }, (_, index) => fileURL(task, index)),
        status: 'completed',
        task_info: {
          can_cancel: false,
          ...(task.videoDuration !== undefined ? { video_duration: task.videoDuration } : {}),
        },
      });
      return;
    }
    if (finished && behaviour.outcome === 'fail') {
      response.json(200, {
        ...base,
        progress: 0,
        status: 'failed',
        task_info: { can_cancel: false },
        error: {
          code: behaviour.code,
          message: behaviour.message ?? `Task failed: ${behaviour.code}`,
          ...(behaviour.type ? { type: behaviour.type } : {}),
        },
      });
      return;
    }
    const pending = task.polls === 1 && behaviour.outcome !== 'stall';
    const steps =
      behaviour.outcome === 'stall'
        ? 0
        : behaviour.afterMs !== undefined
          ? elapsed / behaviour.afterMs
          : task.polls / (behaviour.afterPolls ?? 3);
    response.json(200, {
      ...base,
      progress: pending ? 0 : Math.max(1, Math.min(99, Math.floor(steps * 100))),
      status: pending ? 'pending' : 'processing',
      task_info: { can_cancel: true, estimated_time: task.estimatedTime },
    });
  };

  const file: FakeRoute['handler'] = (request, response) => {
    const task = tasks.get(request.params.taskId as string);
    if (!task) {
      response.text(404, 'Not Found');
      return;
    }
    const media = fakeMedia[task.kind];
    response.bytes(200, media.bytes, media.contentType);
  };

  const removeRoutes = server.addRoutes([
    ...chatRoutes,
    { method: 'POST', path: '/v1/images/generations', handler: create('image') },
    { method: 'POST', path: '/v1/videos/generations', handler: create('video') },
    { method: 'GET', path: '/v1/tasks/:id', handler: status },
    { method: 'GET', path: '/files/:taskId/:name', handler: file },
  ]);

  return {
    server,
    baseURL: server.url,
    tasks,
    count: (method, pathPrefix) =>
      server.requests.filter(
        (request) => request.method === method.toUpperCase() && request.path.startsWith(pathPrefix),
      ).length,
    failWith(matcher, status, error, failOptions = {}) {
      return server.fault(
        matcher,
        {
          kind: 'status',
          status,
          body: evolinkErrorBody(error.message, { code: error.code ?? status, type: error.type, param: error.param }),
          headers: failOptions.headers,
        },
        { times: failOptions.times },
      );
    },
    async close() {
      removeRoutes();
      if (!options.server) await server.close();
    },
  };
}
