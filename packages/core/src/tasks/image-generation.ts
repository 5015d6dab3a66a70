import { z } from 'zod';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, positiveIntSchema, remoteUrlSchema } from './shared-schemas';

/**
 * Prompt-to-image as OpenAI (`/v1/images/generations`) and EvoLink (async tasks) shape it.
 * Provider-neutral: which sizes, ratios, qualities and counts a model takes is the adapter's check.
 */
export const imageGeneration = defineTask({
  id: 'image-generation',
  summary: 'Generate or edit images from a prompt (OpenAI/EvoLink-style image models).',
  hfSpec: null,
  async: true,
  input: z.strictObject({
    prompt: z.string({ error: 'expected the prompt (a string)' }).min(1, 'expected a non-empty prompt'),
    /** `1024x1024`-style pixels, or what the model takes (`1:1`, `2K`, …). */
    size: z.string().min(1).optional(),
    n: positiveIntSchema.optional(),
    /** `1:1`, `16:9`, `9:16`, … */
    aspect_ratio: z.string().min(1).optional(),
    quality: z.string().min(1).optional(),
    /** Reference images for image-to-image or editing; the provider must be able to fetch them. */
    image_urls: z.array(remoteUrlSchema, { error: 'expected a list of image URLs (strings)' }).optional(),
    /** PNG mask for inpainting. */
    mask_url: remoteUrlSchema.optional(),
    seed: nonNegativeIntSchema.optional(),
    negative_prompt: z.string().optional(),
  }),
  output: z.looseObject({
    /** Each item has `url` (EvoLink, dall-e) or `b64_json` (gpt-image). */
    images: z.array(z.looseObject({ url: z.string().optional(), b64_json: z.string().optional() })),
    /** Unix seconds after which the URLs stop working (EvoLink: 24 h). */
    expires_at: z.number().optional(),
    revised_prompt: z.string().optional(),
  }),
  example: {
    input: { prompt: 'A watercolor fox in a snowy forest', size: '1024x1024', n: 1 },
    output: {
      images: [{ url: 'https://media.evolink.ai/task-unified-1756817821-4x3rx6ny/image.jpg' }],
      expires_at: 1756904221,
    },
  },
});
