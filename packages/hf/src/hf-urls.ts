import { modelIdPath, type Warning } from '@infermux/core';

export const DEFAULT_ROUTER_URL = 'https://router.huggingface.co';
export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** Shut down (wire/hf §1.2): it answers 410 Gone or does not resolve; there is no redirect to follow. */
const LEGACY_INFERENCE_HOST = 'api-inference.huggingface.co';

export interface RouterBase {
  /** `https://router.huggingface.co`, without a trailing slash. */
  url: string;
  warnings: Warning[];
}

/**
 * The router base from a configured URL. Accepts the router root, the `…/hf-inference` sub-path, and the
 * legacy `https://api-inference.huggingface.co[/models/{id}]` shape, which is rewritten to the router with a
 * warning, because the legacy host no longer serves inference.
 */
export function resolveRouterBase(configured: string | undefined): RouterBase {
  if (!configured) return { url: DEFAULT_ROUTER_URL, warnings: [] };
  const parsed = new URL(configured);
  if (parsed.hostname === LEGACY_INFERENCE_HOST) {
    return {
      url: DEFAULT_ROUTER_URL,
      warnings: [
        {
          code: 'hf_legacy_base_url',
          message: `${configured} is the legacy serverless Inference API, which Hugging Face shut down; calls go to ${DEFAULT_ROUTER_URL}/hf-inference instead. Update the base URL.`,
        },
      ],
    };
  }
  const path = parsed.pathname.replace(/\/+$/, '').replace(/\/hf-inference$/, '');
  return { url: `${parsed.origin}${path}`, warnings: [] };
}

const modelPaths = new Map<string, string>();
const MAX_CACHED_MODEL_PATHS = 1024;

/**
 * Model ids keep their `/`; each part is encoded on its own, and `.`/`..`/empty parts are refused (core's
 * `modelIdPath`), so a URL never leaves the model's own path. Cached: the same few ids are sent over and over.
 */
export function modelPath(id: string): string {
  let path = modelPaths.get(id);
  if (path === undefined) {
    path = modelIdPath(id);
    if (modelPaths.size >= MAX_CACHED_MODEL_PATHS) modelPaths.clear();
    modelPaths.set(id, path);
  }
  return path;
}

/** `{base}/hf-inference/models/{id}{suffix}`: the serverless HF Inference route (wire/hf §1.3). */
export function hfInferenceUrl(base: string, modelId: string, suffix = ''): string {
  return `${base}/hf-inference/models/${modelPath(modelId)}${suffix}`;
}

/**
 * An OpenAI-style route on a dedicated endpoint, as huggingface.js builds it (wire/hf §1.4): trailing `/`
 * removed; `…/v1` gets `/{route}`; a URL already ending in `/{route}` is kept; anything else gets `/v1/{route}`.
 * Query strings are kept (huggingface_hub does the same).
 */
export function endpointOpenAiUrl(endpointUrl: string, route: 'chat/completions' | 'completions'): string {
  const parsed = new URL(endpointUrl);
  let path = parsed.pathname.replace(/\/+$/, '');
  if (path.endsWith('/v1')) path += `/${route}`;
  else if (!path.endsWith(`/${route}`)) path += `/v1/${route}`;
  return `${parsed.origin}${path}${parsed.search}`;
}
