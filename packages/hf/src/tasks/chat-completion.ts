import { buildChatBody, chatBodyFallback, mapChatResponse } from '@infermux/openai-compatible/internal';
import { hfInferenceUrl } from '../hf-urls';
import { expectJson, jsonBody, openAiTaskUrl } from './mapping-helpers';
import type { HfRouteContext, HfTaskMapping } from './task-mapping';

/** The `hf-inference` variant routes chat to HF's own servers rather than through the router's provider pick. */
export const HF_INFERENCE_VARIANT = 'hf-inference';

/**
 * Chat has three routes (wire/hf §1.4, §1.5, §5.11):
 * - a dedicated endpoint: `{endpointUrl}/v1/chat/completions` (per huggingface.js's rules);
 * - `org/name:hf-inference`: `{base}/hf-inference/models/{id}/v1/chat/completions`, `model` = the id;
 * - anything else: the OpenAI-compatible router `{base}/v1/chat/completions`, `model` = `org/name[:variant]`
 *   (`:fastest`, `:cheapest`, `:preferred` or a provider name; no variant = the router's default policy).
 */
function chatRoute(context: HfRouteContext): { url: string; model: string } {
  if (context.endpointUrl) return { url: openAiTaskUrl(context, 'chat/completions'), model: context.modelId };
  if (context.variant === HF_INFERENCE_VARIANT) {
    return { url: hfInferenceUrl(context.routerBase, context.modelId, '/v1/chat/completions'), model: context.modelId };
  }
  return {
    url: `${context.routerBase}/v1/chat/completions`,
    model: context.variant ? `${context.modelId}:${context.variant}` : context.modelId,
  };
}

/** Body, response and chunk mapping come from the shared OpenAI-compatible package; only the route is HF's. */
export const chatCompletion: HfTaskMapping<'chat-completion'> = {
  capabilities: { streaming: true, wire: ['openai'] },
  request(input, context) {
    const route = chatRoute(context);
    // `model` first in the body, as huggingface.js writes it, so the router can route from a small prefix
    // (wire/hf §1.5).
    // (A key keeps its first position when a later spread sets it again; cheaper than object rest.)
    const body = { model: route.model, ...buildChatBody(input, route.model, { stream: context.stream }) };
    // A stream asks for usage where huggingface.js does not (see `buildChatBody`); a target that refuses
    // `stream_options` gets the request once more without it.
    const fallback = chatBodyFallback(input, body);
    return { url: route.url, body: jsonBody(body), ...(fallback ? { fallback: jsonBody(fallback) } : {}) };
  },
  response(body, context) {
    const mapped = mapChatResponse(expectJson(body, context), { provider: context.provider, modelId: context.modelId });
    return { output: mapped.output, usage: mapped.usage };
  },
  streamFraming: () => 'openai-chat',
};
