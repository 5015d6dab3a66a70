import { parseWith } from '@infermux/core';
import { runOrAwaitJob } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import { sendJson } from '../http/respond';
import { admitModel } from '../keys/authenticate';
import { downloadImage } from '../wire/download-image';
import { pickFields } from '../wire/openai-chat-input';
import { defaultImageFormat, formatImage, type ProviderImage } from '../wire/openai-images';
import { openaiImagesEnvelope } from '../wire/request-schemas';

export const openaiImagesEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/images/generations',
  format: 'openai',
  auth: 'key',
  summary:
    'OpenAI image generation, served by the image-generation task (async providers are awaited). `response_format` url|b64_json is honoured whatever the provider returns: URLs are downloaded for b64_json, base64 becomes a data: URL for url.',
  async handle(context, services) {
    const body = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
    // Checked before the (paid) generation; the task's fields are checked by core with the task schema.
    const { model, response_format: requested } = parseWith(openaiImagesEnvelope, body, 'request body');
    admitModel(context, model);
    // `style`, `user`, `background`… are OpenAI-model specifics the task does not carry; they are ignored like unknown fields.
    const input = pickFields(body, ['prompt', 'size', 'n', 'quality', 'seed', 'negative_prompt']);
    const { output } = await runOrAwaitJob(context, services, {
      task: 'image-generation',
      model,
      input: input as never,
    });
    const { images, revised_prompt: revised } = output as { images: ProviderImage[]; revised_prompt?: string };
    // The default needs the resolved model too, so it is settled after the call.
    const format = requested ?? defaultImageFormat([model, context.model]);
    const download = (url: string) =>
      context.upstream(() => downloadImage(url, { signal: context.abort.signal, provider: context.provider }));
    const data = await Promise.all(
      images.map(async (image) => ({
        ...(await formatImage(image, format, download)),
        ...(revised ? { revised_prompt: revised } : {}),
      })),
    );
    sendJson(context, 200, { created: Math.floor(Date.now() / 1000), data });
  },
};
