import { parseWith } from '@infermux/core';
import { answerForwarded, relayForwardedStream, relayStream, runTask } from '../engine/call-task';
import type { Endpoint, GatewayServices } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import type { RequestContext } from '../http/request-context';
import { sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { chatInputFromOpenAI } from '../wire/openai-chat-input';
import { ChatChunkWriter } from '../wire/openai-chat-stream';
import { openaiChatEnvelope, routerChatEnvelope } from '../wire/request-schemas';

/**
 * Answers an OpenAI chat body; shared by `/v1/chat/completions` and the HF router's
 * `/models/{model}/v1/chat/completions` (where the path names the model). The fields read here are checked
 * with the envelope schema, the chat fields by core with the task's: each once.
 *
 * Not async itself (a refusal is thrown at once): a forwarded call's promise is the answer's, with no
 * async layer and microtask turn more per request.
 */
export function answerChat(
  context: RequestContext,
  services: GatewayServices,
  body: Record<string, unknown>,
  pathModel?: string,
): Promise<void> {
  const envelope = parseWith(pathModel === undefined ? openaiChatEnvelope : routerChatEnvelope, body, 'request body');
  const model = pathModel ?? (envelope.model as string);
  admitModel(context, model);
  const stream = envelope.stream === true;
  const includeUsage = stream && envelope.stream_options?.include_usage === true;
  // When every target speaks OpenAI's format the upstream's answer is relayed as it came (checked, usage
  // read on the way) instead of being decoded to the task output and encoded again: measured ~35% less
  // CPU for streams, ~4% less gateway CPU per whole answer (no response schema, no re-serialising).
  if (services.engine.client.canForward('chat-completion', { model, wire: 'openai' })) {
    const call = {
      task: 'chat-completion' as const,
      model,
      input: chatInputFromOpenAI(body, { wantUsage: includeUsage }),
    };
    return stream ? relayForwardedStream(context, services, call) : answerForwarded(context, services, call);
  }
  return answerDecoded(context, services, body, model, stream, includeUsage);
}

/** A chat answer decoded to the task output and encoded again (a target that cannot forward OpenAI's format). */
async function answerDecoded(
  context: RequestContext,
  services: GatewayServices,
  body: Record<string, unknown>,
  model: string,
  stream: boolean,
  includeUsage: boolean,
): Promise<void> {
  // Usage is always asked of the upstream on streams: the ledger needs it even when the caller does not.
  const input = chatInputFromOpenAI(body, { wantUsage: stream });
  const call = { task: 'chat-completion' as const, model, input };
  if (!stream) {
    const result = await runTask(context, services, call);
    const output = result.output as Record<string, unknown> & { choices: Array<Record<string, unknown>> };
    sendJson(context, 200, {
      ...output,
      object: 'chat.completion',
      choices: output.choices.map((choice) => ({ ...choice, logprobs: choice.logprobs ?? null })),
    });
    return;
  }
  await relayStream(
    context,
    services,
    call,
    new ChatChunkWriter(model, `chatcmpl-${context.id.replace(/^req_/, '')}`, includeUsage),
  );
}

export const openaiChatEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/chat/completions',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI chat completions (JSON or SSE with `stream: true`), routed through infermux.',
  async handle(context, services) {
    await answerChat(context, services, await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes));
  },
};
