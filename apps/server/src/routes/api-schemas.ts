import { getTask, keyBudgetSchema, type TaskId, taskIds, taskRegistry } from '@infermux/core';
import { z } from 'zod';
import { createKeySchema } from '../keys/key-store';
import {
  evolinkTaskEnvelope,
  modelField,
  nativeTaskEnvelope,
  openaiChatEnvelope,
  openaiImagesEnvelope,
  routerChatEnvelope,
} from '../wire/request-schemas';

export {
  isoDate,
  openaiCompletionRequest,
  openaiEmbeddingsRequest,
  routerCompletionRequest,
  usageGrouping,
} from '../wire/request-schemas';

/**
 * The gateway's wire bodies as zod schemas, for /openapi.json. Task bodies come from the core task
 * registry (the schemas `runTask` validates with); the wire envelopes around them are stated here once.
 */

const created = z.number().int().describe('Unix seconds.');

export const taskName = z.enum(taskIds as [TaskId, ...TaskId[]]);
export const videoVariant = z.literal('video');

const chatTask = taskRegistry['chat-completion'];

/**
 * OpenAI bodies: unknown fields are ignored (the OpenAI checklist), so the schemas are loose. Each is the
 * envelope its route validates with, composed with the task input core validates the rest with.
 */
export const openaiChatRequest = chatTask.input.extend(openaiChatEnvelope.shape).loose();
export const openaiChatResponse = z.looseObject({
  ...chatTask.output.shape,
  object: z.literal('chat.completion'),
});

/** The HF router's `/models/{model}/v1/…` routes name the model in the path. */
export const routerChatRequest = chatTask.input.extend(routerChatEnvelope.shape).loose();

export const openaiCompletionResponse = z.looseObject({
  id: z.string(),
  object: z.literal('text_completion'),
  created,
  model: z.string(),
  choices: z.array(
    z.looseObject({ index: z.number().int(), text: z.string(), finish_reason: z.enum(['stop', 'length']) }),
  ),
  usage: z.looseObject({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  }),
});

export const openaiEmbeddingsResponse = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z.union([z.array(z.number()), z.string().describe('Little-endian float32 values, base64.')]),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

export const openaiImagesRequest = taskRegistry['image-generation'].input.extend(openaiImagesEnvelope.shape).loose();
export const openaiImagesResponse = z.object({
  created,
  data: z.array(
    z.object({ url: z.string().optional(), b64_json: z.string().optional(), revised_prompt: z.string().optional() }),
  ),
});

export const openaiVideoRequest = z.looseObject({
  model: modelField.optional().describe('Default `sora-2`.'),
  prompt: z.string().min(1),
  seconds: z.string().regex(/^\d+$/).optional(),
  size: z.string().optional(),
  input_reference: z.object({ image_url: z.url() }).optional(),
});
const nullableString = z.string().nullable();
export const openaiVideoResponse = z.object({
  id: z.string(),
  object: z.literal('video'),
  model: nullableString,
  status: z.enum(['queued', 'in_progress', 'completed', 'failed']),
  progress: z.number(),
  created_at: created,
  completed_at: created.nullable(),
  expires_at: created.nullable(),
  prompt: nullableString,
  size: nullableString,
  seconds: nullableString,
  remixed_from_video_id: z.null(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** EvoLink's wire (`/evolink`, wire/evolink §3, §4): the body EvoLink takes, the task object it answers. */
export const evolinkImageRequest = taskRegistry['image-generation'].input.extend(evolinkTaskEnvelope.shape);
export const evolinkVideoRequest = taskRegistry['video-generation'].input.extend(evolinkTaskEnvelope.shape);
export const evolinkTaskResponse = z.looseObject({
  id: z.string(),
  object: z.enum(['image.generation.task', 'video.generation.task']),
  type: z.enum(['image', 'video']),
  model: nullableString,
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  progress: z.number(),
  created,
  task_info: z.looseObject({ can_cancel: z.boolean(), estimated_time: z.number().optional() }),
  results: z.array(z.string()).optional().describe('Result URLs, once completed (valid 24 h).'),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const openaiModel = z.object({
  id: z.string().describe('What a call sends as `model`: a route name or a `provider:id` reference.'),
  object: z.literal('model'),
  created,
  owned_by: z.string().describe("`infermux` for a route, else the provider (or the upstream's owner)."),
});
export const openaiModelsResponse = z.object({ object: z.literal('list'), data: z.array(openaiModel) });

/** One variant per task, titled with its id (how clients and readers tell them apart). */
function perTask(schema: (task: TaskId) => z.ZodType): z.ZodType {
  return z.union(taskIds.map((task) => schema(task).meta({ title: task })));
}

export const hfRequest = perTask((task) => getTask(task).input);
export const hfResponse = perTask((task) => getTask(task).output);

const usageSchema = z
  .looseObject({
    inputTokens: z.number().optional(),
    outputTokens: z.number().optional(),
    totalTokens: z.number().optional(),
  })
  .describe('Units that can be priced (tokens, images, seconds, characters…).');
const costSchema = z
  .object({
    amount: z.number(),
    currency: z.enum(['USD', 'credits']),
    source: z.enum(['config', 'catalogue', 'default']),
    priceVersion: z.string(),
    basis: z.enum(['quote', 'final']).optional(),
  })
  .nullable()
  .describe('Null when no price source prices the call (a `cost_unknown` warning says so): unknown, never 0.');
const resolvedModel = z.object({ id: z.string(), revision: z.string().optional(), pinned: z.boolean().optional() });

export const nativeTaskRequest = perTask((task) => nativeTaskEnvelope.extend({ input: getTask(task).input }));
export const nativeTaskResponse = perTask((task) =>
  z.looseObject({
    task: z.literal(task),
    output: getTask(task).output,
    usage: usageSchema,
    cost: costSchema,
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
    provider: z.string(),
    model: resolvedModel,
    requestId: z.string().optional(),
    timing: z.object({ startedAt: z.number(), durationMs: z.number(), firstByteMs: z.number().optional() }),
    attempts: z.array(z.looseObject({ provider: z.string(), model: z.string() })),
    cached: z.boolean().optional(),
  }),
);
export const jobStatusResponse = z.looseObject({
  id: z.string().describe('The gateway job id (for /v1/jobs/{id}).'),
  jobId: z.string(),
  task: taskName,
  state: z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']),
  progress: z.number().optional(),
  output: z.unknown().optional().describe("The task's output, once `succeeded`."),
  estimatedSecondsRemaining: z.number().optional(),
  usage: usageSchema.optional(),
  expiresAt: z.number().optional(),
  model: resolvedModel.optional(),
  provider: z.string().optional(),
});

export const usageResponse = z.object({
  object: z.literal('list'),
  by: z.enum(['key', 'model', 'day']),
  since: z.string().nullable(),
  data: z.array(
    z.object({
      group: z.string().nullable(),
      requests: z.number().int(),
      errors: z.number().int(),
      inputTokens: z.number(),
      outputTokens: z.number(),
      cost: z.number().nullable().describe('Sum of the priced requests; null when none was priced and some were not.'),
      unknownCostRequests: z.number().int().describe('Answered requests no price source priced (not in `cost`).'),
      averageLatencyMs: z.number().nullable(),
      averageOverheadMs: z.number().nullable(),
    }),
  ),
});

export const adminCreateKeyRequest = createKeySchema;
export const gatewayKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  allowedModels: z.array(z.string()).optional(),
  allowedRoutes: z.array(z.string()).optional(),
  rpm: z.number().int().optional(),
  tpm: z.number().int().optional(),
  budget: keyBudgetSchema.optional(),
  createdAt: z.number(),
  revokedAt: z.number().optional(),
  source: z.enum(['config', 'store']),
});
export const adminCreateKeyResponse = z.object({
  id: z.string(),
  name: z.string(),
  key: z.string().describe('The plaintext key: shown in this response only.'),
});
export const adminListKeysResponse = z.object({ data: z.array(gatewayKeyView) });

export const healthResponse = z.object({ status: z.literal('ok') });
export const readyResponse = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z.object({ providers: z.boolean(), credentials: z.boolean(), storage: z.boolean(), accepting: z.boolean() }),
  providers: z.array(z.string()),
  credentials: z
    .record(z.string(), z.enum(['present', 'missing', 'optional', 'caller']))
    .describe(
      "Per provider: its key is set, missing (its calls fail until the operator sets it), not needed, or only callers' own tokens (passThrough).",
    ),
});

/** Every error body, whichever wire format the endpoint speaks. */
export const errorResponse = z
  .object({
    error: z.union([
      z.string().describe('Hugging Face: the message.'),
      z.looseObject({
        message: z.string(),
        code: z.string().nullable().optional(),
        type: z.string().optional(),
        param: z.string().nullable().optional(),
        status: z.number().int().optional(),
        retryable: z.boolean().optional(),
      }),
    ]),
  })
  .loose();
