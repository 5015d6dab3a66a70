import { type TaskInput, ValidationError, type ValidationIssue, type Warning } from '@infermux/core';

export type EvolinkJobTask = 'image-generation' | 'video-generation';

/** What one field of one model accepts. */
export type FieldRule =
  | { values: readonly string[]; pattern?: RegExp; describe?: string }
  | { min: number; max: number; allowed?: readonly number[] }
  | { maxItems: number }
  /** Taken, but no documented limit to check. */
  | { any: true };

export interface ModelCapabilities {
  task: EvolinkJobTask;
  /** Fields besides `prompt` the model takes, with their limits. A field not listed is refused. */
  fields: Readonly<Record<string, FieldRule>>;
  promptMaxLength?: number;
  /** Extra rule across fields (e.g. Seedream: reference images + outputs ≤ 15). */
  check?: (input: Record<string, unknown>) => ValidationIssue[];
}

const ratios = ['1:1', '16:9', '9:16', '2:3', '3:2', '4:3', '3:4', '4:5', '5:4', '21:9'] as const;
const gptImageSizes = ['1024x1024', '1024x1536', '1536x1024'] as const;
// EvoLink's MCP: up to 14 reference images per image request (wire/evolink §3.1).
const referenceImages: FieldRule = { maxItems: 14 };

const seedream: ModelCapabilities = {
  task: 'image-generation',
  // Seedream 4.0 docs: ratios, 1K/2K/4K, or WxH (total pixels within [1280x720, 4096x4096]).
  fields: {
    size: {
      values: [...ratios, '1K', '2K', '4K'],
      pattern: /^\d{3,4}x\d{3,4}$/,
      describe: 'a ratio (1:1, 16:9, …), 1K/2K/4K or WxH',
    },
    n: { min: 1, max: 15 },
    image_urls: referenceImages,
  },
  promptMaxLength: 2000,
  check: (input) => {
    const references = Array.isArray(input.image_urls) ? input.image_urls.length : 0;
    const total = references + (typeof input.n === 'number' ? input.n : 1);
    return references > 0 && total > 15
      ? [{ path: 'n', message: `reference images + outputs must be ≤ 15 for Seedream (got ${total})` }]
      : [];
  },
};

const gptImage: ModelCapabilities = {
  task: 'image-generation',
  fields: { size: { values: gptImageSizes }, n: { min: 1, max: 4 }, image_urls: referenceImages },
};

const ratioImage: ModelCapabilities = {
  task: 'image-generation',
  // "Most others use ratios" (wire/evolink §3.1); per-model pages were not all read, so only size and references
  // are allowed.
  fields: { size: { values: ratios }, image_urls: referenceImages },
  promptMaxLength: 2000,
};

// Nano Banana 2 Lite skill docs (references/api-params.md): size incl. `auto` and extreme ratios, quality only `1K`.
const nanoBananaLite: ModelCapabilities = {
  task: 'image-generation',
  fields: {
    size: { values: ['auto', ...ratios, '1:4', '4:1', '1:8', '8:1'] },
    quality: { values: ['1K'] },
    image_urls: referenceImages,
  },
  promptMaxLength: 2000,
};

// MCP generic video limits (wire/evolink §4.1); model pages below override them.
const genericVideo: ModelCapabilities = {
  task: 'video-generation',
  fields: {
    duration: { min: 3, max: 15 },
    quality: { values: ['480p', '720p', '1080p', '4k'] },
    aspect_ratio: { values: ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'adaptive'] },
    image_urls: { maxItems: 9 },
  },
};

/**
 * Per-model parameters, from EvoLink's model pages and its MCP client (wire/evolink §3, §4).
 * A model not in this table is passed through unchecked, with a warning.
 */
export const evolinkModelCapabilities: Readonly<Record<string, ModelCapabilities>> = {
  'doubao-seedream-4.0': seedream,
  'doubao-seedream-4.5': seedream,
  'gpt-image-1': gptImage,
  'gpt-image-1.5': gptImage,
  // The only model that takes an inpainting mask (MCP).
  'gpt-4o-image': { ...gptImage, fields: { ...gptImage.fields, mask_url: { any: true } } },
  'gemini-3.1-flash-image-preview': ratioImage,
  'z-image-turbo': ratioImage,
  'qwen-image-edit': ratioImage,
  'wan2.5-text-to-image': ratioImage,
  // Nano Banana 2 Lite (skill docs id; the MCP list names it nano-banana-2-lite).
  'gemini-3.1-flash-lite-image': nanoBananaLite,
  'nano-banana-2-lite': nanoBananaLite,
  'sora-2': {
    task: 'video-generation',
    fields: { aspect_ratio: { values: ['16:9', '9:16'] }, image_urls: { maxItems: 1 }, duration: { any: true } },
    promptMaxLength: 5000,
  },
  'sora-2-preview': {
    task: 'video-generation',
    fields: {
      aspect_ratio: { values: ['16:9', '9:16'] },
      duration: { min: 4, max: 12, allowed: [4, 8, 12] },
      image_urls: { maxItems: 1 },
    },
    promptMaxLength: 5000,
  },
  'sora-2-pro': {
    task: 'video-generation',
    fields: {
      duration: { min: 15, max: 25, allowed: [15, 25] },
      quality: { values: ['standard', 'high'] },
      aspect_ratio: { values: ['16:9', '9:16'] },
    },
  },
  'sora-2-beta-max': {
    task: 'video-generation',
    fields: { duration: { min: 10, max: 15, allowed: [10, 15] }, image_urls: { maxItems: 9 } },
  },
  veo3: genericVideo,
  'veo3-fast': genericVideo,
  'veo3.1-fast': genericVideo,
  'veo3.1-pro': { ...genericVideo, fields: { ...genericVideo.fields, generate_audio: { any: true } } },
  'seedance-1.5-pro': {
    task: 'video-generation',
    fields: {
      duration: { min: 4, max: 12 },
      quality: { values: ['480p', '720p', '1080p'] },
      aspect_ratio: { values: ['16:9', '9:16', '1:1', '4:3', '3:4', '21:9', 'adaptive'] },
      // 1 image = image-to-video, 2 = first and last frame.
      image_urls: { maxItems: 2 },
      generate_audio: { any: true },
    },
  },
};

/**
 * Checks the input against what the model takes, before any call, so a parameter the model
 * ignores or rejects is a clear error naming it instead of a paid job that does something else.
 */
export function checkModelCapabilities(
  task: EvolinkJobTask,
  modelId: string,
  input: TaskInput<EvolinkJobTask>,
): Warning[] {
  const capabilities = evolinkModelCapabilities[modelId];
  if (!capabilities) {
    return [
      {
        code: 'model_capabilities_unknown',
        message: `EvoLink model "${modelId}" is not in infermux's capability table; its parameters were sent unchecked`,
      },
    ];
  }
  const subject = `input for task "${task}" with EvoLink model "${modelId}"`;
  if (capabilities.task !== task) {
    const other = capabilities.task === 'image-generation' ? 'an image' : 'a video';
    throw new ValidationError({
      subject,
      issues: [{ path: 'model', message: `"${modelId}" is ${other} model; use task "${capabilities.task}"` }],
    });
  }
  const values = input as Record<string, unknown>;
  const taken = Object.keys(capabilities.fields);
  const issues: ValidationIssue[] = [];
  for (const [field, value] of Object.entries(values)) {
    if (field === 'prompt' || value === undefined) continue;
    const rule = capabilities.fields[field];
    if (!rule) {
      const ratioHint =
        field === 'aspect_ratio' && 'values' in (capabilities.fields.size ?? {})
          ? '; give the ratio as `size` (e.g. size: "16:9")'
          : '';
      issues.push({
        path: field,
        message: `not taken by ${modelId} (it takes: ${taken.join(', ') || 'only prompt'})${ratioHint}`,
      });
      continue;
    }
    const problem = checkRule(rule, value);
    if (problem) issues.push({ path: field, message: problem });
  }
  const prompt = values.prompt;
  if (capabilities.promptMaxLength && typeof prompt === 'string' && prompt.length > capabilities.promptMaxLength) {
    issues.push({
      path: 'prompt',
      message: `at most ${capabilities.promptMaxLength} characters for ${modelId} (got ${prompt.length})`,
    });
  }
  issues.push(...(capabilities.check?.(values) ?? []));
  if (issues.length > 0) throw new ValidationError({ subject, issues });
  return [];
}

function checkRule(rule: FieldRule, value: unknown): string | undefined {
  if ('any' in rule) return undefined;
  if ('values' in rule) {
    if (typeof value === 'string' && (rule.values.includes(value) || rule.pattern?.test(value))) return undefined;
    return `expected ${rule.describe ?? `one of ${rule.values.join(', ')}`} (got ${JSON.stringify(value)})`;
  }
  if ('maxItems' in rule) {
    return Array.isArray(value) && value.length > rule.maxItems
      ? `at most ${rule.maxItems} item${rule.maxItems === 1 ? '' : 's'} (got ${value.length})`
      : undefined;
  }
  if (typeof value !== 'number') return 'expected a number';
  if (rule.allowed && !rule.allowed.includes(value)) return `expected one of ${rule.allowed.join(', ')} (got ${value})`;
  if (value < rule.min || value > rule.max) return `expected ${rule.min}–${rule.max} (got ${value})`;
  return undefined;
}
