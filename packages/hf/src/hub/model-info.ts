import { z } from 'zod';

/** The Hub fields a client needs (wire/hf §8.2); every one is requested with `expand[]`. */
export const MODEL_INFO_FIELDS = [
  'sha',
  'pipeline_tag',
  'private',
  'gated',
  'disabled',
  'inference',
  'tags',
  'library_name',
] as const;

/**
 * `GET /api/models/{id}?expand[]=…` (and `/revision/{rev}`). With `expand[]` the Hub returns only the
 * requested fields plus `_id` and `id`, so all are optional here.
 */
export const modelInfoResponseSchema = z.looseObject({
  id: z.string(),
  sha: z.string().optional(),
  pipeline_tag: z.string().nullable().optional(),
  private: z.boolean().optional(),
  gated: z.union([z.literal(false), z.literal(true), z.string()]).optional(),
  disabled: z.boolean().optional(),
  inference: z.string().nullable().optional(),
  tags: z.array(z.string()).optional(),
  library_name: z.string().nullable().optional(),
});

/** Model metadata from the Hub, for task inference and clear errors before a call. */
export interface HfModelInfo {
  id: string;
  /** Head commit of the default branch. */
  sha?: string;
  /** The task the model runs by default, e.g. `text-classification`. */
  pipelineTag?: string;
  private: boolean;
  /** `false`, or how access is granted: `auto` / `manual`. */
  gated: false | 'auto' | 'manual' | string;
  disabled: boolean;
  /** `warm` when HF Inference serves it now; undefined otherwise. */
  inference?: string;
  tags: string[];
  libraryName?: string;
  /** `tags` includes `conversational`: the model has a chat template. */
  conversational: boolean;
}

export function toModelInfo(response: z.output<typeof modelInfoResponseSchema>): HfModelInfo {
  const gated = response.gated === true ? 'auto' : (response.gated ?? false);
  const tags = response.tags ?? [];
  return {
    id: response.id,
    ...(response.sha ? { sha: response.sha } : {}),
    ...(response.pipeline_tag ? { pipelineTag: response.pipeline_tag } : {}),
    private: response.private ?? false,
    gated,
    disabled: response.disabled ?? false,
    ...(response.inference ? { inference: response.inference } : {}),
    tags,
    ...(response.library_name ? { libraryName: response.library_name } : {}),
    conversational: tags.includes('conversational'),
  };
}
