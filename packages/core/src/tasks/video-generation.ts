import { z } from 'zod';
import { defineTask } from './define-task';
import { nonNegativeIntSchema, positiveIntSchema, remoteUrlSchema } from './shared-schemas';

/**
 * Prompt-to-video as EvoLink (`/v1/videos/generations`) and OpenAI (`/v1/videos`) shape it.
 * Provider-neutral: allowed durations, ratios and sizes per model are the adapter's check.
 */
export const videoGeneration = defineTask({
  id: 'video-generation',
  summary: 'Generate a video from a prompt and optional reference images (Sora, Veo, Seedance, …).',
  hfSpec: null,
  async: true,
  input: z.strictObject({
    prompt: z.string({ error: 'expected the prompt (a string)' }).min(1, 'expected a non-empty prompt'),
    /** Whole seconds. */
    duration: positiveIntSchema.optional(),
    /** `16:9`, `9:16`, `1:1`, `adaptive`, … */
    aspect_ratio: z.string().min(1).optional(),
    /** `1280x720`-style pixels, where the model takes a size instead of a ratio. */
    size: z.string().min(1).optional(),
    /** `480p`, `720p`, `1080p`, `standard`, `high`, … */
    quality: z.string().min(1).optional(),
    /** First frame (and last frame, for models that take two). */
    image_urls: z.array(remoteUrlSchema, { error: 'expected a list of image URLs (strings)' }).optional(),
    seed: nonNegativeIntSchema.optional(),
    negative_prompt: z.string().optional(),
    generate_audio: z.boolean().optional(),
  }),
  output: z.looseObject({
    videos: z.array(z.looseObject({ url: z.string() })),
    /** Unix seconds after which the URLs stop working. */
    expires_at: z.number().optional(),
  }),
  example: {
    input: { prompt: 'A calico cat playing a piano on stage', duration: 8, aspect_ratio: '16:9' },
    output: {
      videos: [{ url: 'https://media.evolink.ai/task-unified-1757169743-7cvnl5zw/video.mp4' }],
      expires_at: 1757256143,
    },
  },
});
