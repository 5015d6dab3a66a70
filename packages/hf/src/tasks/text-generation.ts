import { InfermuxError, type TaskInput, taskRegistry, ValidationError } from '@infermux/core';
import { parseUpstream } from '@infermux/core/provider-utils';
import {
  buildCompletionBody,
  completionBodyFallback,
  mapCompletionResponse,
} from '@infermux/openai-compatible/internal';
import { z } from 'zod';
import { expectJson, firstIfList, jsonBody, openAiTaskUrl, taskUrl } from './mapping-helpers';
import type { HfRequestPlan, HfRouteContext, HfTaskMapping } from './task-mapping';

/** `{generated_text, details?}` with TGI's `details` shape, as the core task declares it. */
const tgiOutput = taskRegistry['text-generation'].output;
/** wire/hf §5.9(a): `{generated_text, details?}` (TGI `/generate`) or `[{generated_text}]` (api-inference, TGI's `/` route). */
const tgiUpstream = z.union([tgiOutput, z.array(tgiOutput).min(1)]);

/**
 * wire/hf §5.9(b): OpenAI completions `{model, prompt, max_tokens, …}`, built by the shared OpenAI-compatible
 * code. A TGI-only parameter (`do_sample`, `details`, `grammar`, …) is a clear error there rather than a
 * silent drop; the message here says how to send it anyway.
 */
function completionsRequest(input: TaskInput<'text-generation'>, context: HfRouteContext): HfRequestPlan {
  try {
    const body = buildCompletionBody(input, context.modelId, { stream: context.stream });
    // A stream asks for usage (see `buildCompletionBody`); a target that refuses `stream_options` gets it once more without.
    const fallback = completionBodyFallback(body);
    return {
      url: openAiTaskUrl(context, 'completions'),
      body: jsonBody(body),
      ...(fallback ? { fallback: jsonBody(fallback) } : {}),
    };
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    throw new ValidationError({
      subject:
        'input for task "text-generation" on the HF /v1/completions route (set textGenerationRoute: "tgi" to send the native TGI body)',
      issues: error.issues,
    });
  }
}

/**
 * TGI's native parameters. `return_full_text` goes only when the caller sets it, as huggingface_hub sends it:
 * the legacy API defaulted to true and TGI to false (wire/hf §5.9), and forcing false changed what legacy callers
 * got back. `temperature: 0` (greedy, as `/v1/completions` takes it) is refused by TGI's validation
 * (`router/src/validation.rs`: "`temperature` must be strictly positive", checked even with `do_sample: false`),
 * so it is sent as TGI's own OpenAI routes turn it (`router/src/server.rs`: "enable greedy only when temperature
 * is 0" → `do_sample: false`, no temperature).
 */
function tgiParameters(input: TaskInput<'text-generation'>): TaskInput<'text-generation'>['parameters'] {
  if (input.parameters?.temperature !== 0) return input.parameters;
  const { temperature: _greedy, ...parameters } = input.parameters;
  return { ...parameters, do_sample: false };
}

function tgiRequest(input: TaskInput<'text-generation'>, context: HfRouteContext): HfRequestPlan {
  const parameters = tgiParameters(input);
  return {
    url: taskUrl(context),
    body: jsonBody({
      inputs: input.inputs,
      ...(parameters ? { parameters } : {}),
      ...(context.stream ? { stream: true } : {}),
    }),
  };
}

/**
 * Two routes (wire/hf §1.3); `textGenerationRoute` picks one. The default is `completions`, as huggingface.js
 * does since May 2026 (PR #2180: vLLM-backed models only expose `/v1/*`); `tgi` is what huggingface_hub sends.
 */
export const textGeneration: HfTaskMapping<'text-generation'> = {
  capabilities: { streaming: true },
  request: (input, context) =>
    context.textGenerationRoute === 'tgi' ? tgiRequest(input, context) : completionsRequest(input, context),
  response(body, context) {
    const json = expectJson(body, context);
    if (context.textGenerationRoute === 'tgi') {
      const parsed = parseUpstream(tgiUpstream, json, context, '{generated_text} or [{generated_text}]');
      return { output: firstIfList(parsed) as z.output<typeof tgiOutput> };
    }
    try {
      const mapped = mapCompletionResponse(json, { provider: context.provider, modelId: context.modelId });
      return { output: mapped.output, usage: mapped.usage };
    } catch (error) {
      throw InfermuxError.from(error, {
        code: 'provider_bad_response',
        provider: context.provider,
        requestId: context.requestId,
      });
    }
  },
  streamFraming: (context) => (context.textGenerationRoute === 'tgi' ? 'tgi' : 'openai-completions'),
};
