import { z } from 'zod';

/**
 * EvoLink's task object, as both `POST /v1/{images,videos}/generations` and `GET /v1/tasks/{id}`
 * return it (wire/evolink §3.2, §3.3). Minimal and tolerant: only the fields read are required.
 */
export const evolinkTaskSchema = z.looseObject({
  id: z.string().min(1),
  created: z.number().optional(),
  model: z.string().optional(),
  object: z.string().optional(),
  type: z.string().optional(),
  /** `pending | processing | completed | failed`; `cancelled` appears in one EvoLink skill doc. */
  status: z.string(),
  progress: z.number().nullish(),
  results: z.array(z.string()).nullish(),
  /** Music/Suno mostly; a fallback source of URLs. */
  result_data: z
    .array(
      z.looseObject({
        image_url: z.string().nullish(),
        video_url: z.string().nullish(),
        audio_url: z.string().nullish(),
      }),
    )
    .nullish(),
  task_info: z
    .looseObject({
      can_cancel: z.boolean().nullish(),
      estimated_time: z.number().nullish(),
      video_duration: z.number().nullish(),
    })
    .nullish(),
  usage: z
    .looseObject({
      billing_rule: z.string().nullish(),
      credits_reserved: z.number().nullish(),
      credits: z.number().nullish(),
    })
    .nullish(),
  error: z
    .looseObject({
      code: z.union([z.string(), z.number()]).nullish(),
      message: z.string().nullish(),
      type: z.string().nullish(),
    })
    .nullish(),
});

export type EvolinkTask = z.output<typeof evolinkTaskSchema>;
