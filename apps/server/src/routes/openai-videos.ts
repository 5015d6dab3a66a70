import { pipeline } from 'node:stream/promises';
import { InfermuxError } from '@infermux/core';
import { request } from 'undici';
import { decodeJobId, encodeJobId, jobStatus, submitTaskJob } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { mediaType } from '../http/content-type';
import { readJsonBody } from '../http/parse-json-body';
import { readBody } from '../http/read-body';
import type { RequestContext } from '../http/request-context';
import { sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { type VideoRequestEcho, videoObject } from '../wire/openai-video';
import { unsupportedEndpoint } from './unsupported-endpoint';

// What the caller asked for, so GET /v1/videos/{id} can echo it (the upstream job does not).
// Bounded; after a restart the echo fields are null, the status is still exact.
const echoes = new Map<string, VideoRequestEcho>();
function remember(id: string, echo: VideoRequestEcho): void {
  echoes.set(id, echo);
  if (echoes.size > 10_000) echoes.delete(echoes.keys().next().value as string);
}

/** openai-node v6.28+ always sends multipart; older versions send JSON. Both arrive here as one object. */
async function readVideoBody(context: RequestContext, limit: number): Promise<Record<string, unknown>> {
  const type = mediaType(context.request.headers['content-type']);
  if (type !== 'multipart/form-data')
    return readJsonBody(context.request, limit, 'application/json or multipart/form-data');
  const body = await readBody(context.request, limit, 'request body');
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': context.request.headers['content-type'] as string },
    }).formData();
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `The multipart body could not be parsed: ${(error as Error).message}`,
      details: { field: 'body' },
    });
  }
  const fields: Record<string, unknown> = {};
  let upload: string | undefined;
  form.forEach((value, name) => {
    if (typeof value === 'string') fields[name] = value;
    else upload ??= name;
  });
  if (upload !== undefined) {
    throw new InfermuxError({
      code: 'caller_unsupported',
      message: `${upload}: file uploads are not supported; pass input_reference[image_url] with an https URL.`,
      details: { field: upload },
    });
  }
  return fields;
}

function videoInput(body: Record<string, unknown>): {
  input: Record<string, unknown>;
  echo: Omit<VideoRequestEcho, 'createdAt'>;
} {
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || prompt === '') {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'prompt: expected the video prompt (a non-empty string).',
      details: { field: 'prompt' },
    });
  }
  const model = typeof body.model === 'string' && body.model ? body.model : 'sora-2';
  const input: Record<string, unknown> = { prompt };
  const raw = body.seconds;
  if (raw !== undefined && raw !== null && typeof raw !== 'string' && typeof raw !== 'number')
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'seconds: expected a whole number of seconds ("4", "8", "12").',
      details: { field: 'seconds' },
    });
  const seconds = raw === undefined || raw === null ? undefined : String(raw);
  if (seconds !== undefined) {
    const duration = Number(seconds);
    if (!Number.isInteger(duration) || duration <= 0) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: 'seconds: expected a whole number of seconds ("4", "8", "12").',
        details: { field: 'seconds' },
      });
    }
    input.duration = duration;
  }
  if (typeof body.size === 'string') input.size = body.size;
  const reference =
    body['input_reference[image_url]'] ?? (body.input_reference as { image_url?: unknown } | undefined)?.image_url;
  if (typeof reference === 'string') input.image_urls = [reference];
  return { input, echo: { model, prompt, size: input.size as string | undefined, seconds } };
}

export const openaiVideoCreateEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/videos',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI video creation (JSON or multipart): starts a video-generation job.',
  async handle(context, services) {
    const body = await readVideoBody(context, services.settings.bodyLimits.jsonBytes);
    const { input, echo } = videoInput(body);
    admitModel(context, echo.model);
    const status = await submitTaskJob(context, services, {
      task: 'video-generation',
      model: echo.model,
      input: input as never,
    });
    const id = encodeJobId('video-generation', status.provider, status.jobId);
    const full = { ...echo, createdAt: Math.floor(Date.now() / 1000) };
    remember(id, full);
    sendJson(context, 200, videoObject(id, status, full));
  },
};

export const openaiVideoRetrieveEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/videos/{id}',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI video status (poll until `completed` or `failed`).',
  async handle(context, services) {
    const id = context.params.id as string;
    const status = await jobStatus(context, services, decodeJobId(id));
    sendJson(context, 200, videoObject(id, status, echoes.get(id) ?? {}), { 'openai-poll-after-ms': '2000' });
  },
};

export const openaiVideoContentEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/videos/{id}/content',
  format: 'openai',
  auth: 'key',
  summary: 'The finished video bytes (variant=video).',
  async handle(context, services) {
    const variant = context.query?.get('variant') ?? 'video';
    if (variant !== 'video') {
      throw new InfermuxError({
        code: 'caller_unsupported',
        message: `variant: only "video" is available through this gateway (got "${variant}").`,
        details: { field: 'variant' },
      });
    }
    const status = await jobStatus(context, services, decodeJobId(context.params.id as string));
    const url = (status.output as { videos?: Array<{ url: string }> } | undefined)?.videos?.[0]?.url;
    if (status.state !== 'succeeded' || !url) {
      throw new InfermuxError({
        code: 'provider_conflict',
        status: 409,
        retryable: false,
        message: `The video is not ready (status ${status.state}); poll GET /v1/videos/{id} until it is completed.`,
      });
    }
    const upstream = await context.upstream(() => request(url, { signal: context.abort.signal }));
    if (upstream.statusCode >= 400) {
      await upstream.body.dump();
      throw new InfermuxError({
        code: 'provider_server_error',
        message: `Downloading the finished video failed with HTTP ${upstream.statusCode}.`,
        provider: context.provider,
      });
    }
    context.status = 200;
    context.response.writeHead(200, {
      'content-type': String(upstream.headers['content-type'] ?? 'video/mp4'),
      ...(upstream.headers['content-length'] ? { 'content-length': String(upstream.headers['content-length']) } : {}),
      'x-request-id': context.id,
      'x-infermux-overhead-ms': context.currentOverheadMs().toFixed(3),
    });
    await pipeline(upstream.body, context.response);
  },
};

// The rest of OpenAI's Videos API. A gateway video id is the provider's job reference, not a stored
// record, and core's provider interface has no delete or remix: these answer why, with 405.

export const openaiVideoListEndpoint = unsupportedEndpoint({
  method: 'GET',
  path: '/v1/videos',
  format: 'openai',
  allow: ['POST'],
  reason:
    'the gateway keeps no video store to list (a video id carries its provider job, so retrieving one needs no store).',
  message:
    'Listing videos is not supported by this gateway: it keeps no video store (each video id carries its provider job). Keep the id POST /v1/videos returned and poll GET /v1/videos/{id}.',
});

export const openaiVideoDeleteEndpoint = unsupportedEndpoint({
  method: 'DELETE',
  path: '/v1/videos/{id}',
  format: 'openai',
  allow: ['GET'],
  reason: 'providers offer no delete for a finished video; results expire on the provider side (see `expires_at`).',
  message:
    'Deleting a video is not supported by this gateway: the provider offers no delete for a finished video, and its result expires on the provider side (see expires_at on GET /v1/videos/{id}).',
  // A string that is not a gateway video id is a 404, as on the other /v1/videos/{id} routes.
  check: (context) => void decodeJobId(context.params.id as string),
});

export const openaiVideoRemixEndpoint = unsupportedEndpoint({
  method: 'POST',
  path: '/v1/videos/{id}/remix',
  format: 'openai',
  allow: [],
  reason: 'the video-generation task takes no source video; create a new video with the changed prompt instead.',
  message:
    'Remixing a video is not supported by this gateway: the video-generation task takes no source video. Create a new video with POST /v1/videos and the changed prompt.',
  check: (context) => void decodeJobId(context.params.id as string),
});
