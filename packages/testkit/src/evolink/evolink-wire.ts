import { randomBytes } from 'node:crypto';

/**
 * EvoLink's HTTP error body (wire/evolink §5.1). `code` is the HTTP status as a number in
 * EvoLink's own MCP client, and a string like `invalid_task_id` in the docs' task example.
 */
export function evolinkErrorBody(
  message: string,
  options: { code?: string | number; type?: string; param?: string; fallbackSuggestion?: string } = {},
) {
  return {
    error: {
      code: options.code,
      message,
      type: options.type,
      ...(options.param !== undefined ? { param: options.param } : {}),
      ...(options.fallbackSuggestion !== undefined ? { fallback_suggestion: options.fallbackSuggestion } : {}),
    },
  };
}

/** `task-unified-<unix seconds>-<8 lower-case alphanumerics>`, the documented id shape. */
export function evolinkTaskId(createdSeconds: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const suffix = [...randomBytes(8)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return `task-unified-${createdSeconds}-${suffix}`;
}

export const evolinkTaskIdPattern = /^task-unified-\d+-[a-z0-9]{8}$/;

/** Tiny but real files, so downloads can be checked by their magic bytes. */
export const fakeMedia = {
  image: {
    contentType: 'image/png',
    bytes: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
    extension: 'png',
  },
  video: {
    contentType: 'video/mp4',
    bytes: Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
    extension: 'mp4',
  },
} as const;
