import { runOrAwaitJob } from '../engine/call-task';
import type { Endpoint } from '../gateway-services';
import { admitModel } from '../keys/authenticate';
import { readJsonBody } from '../http/parse-json-body';
import { sendJson } from '../http/respond';
import { pickFields, requireModel } from '../wire/openai-chat-input';

export const openaiImagesEndpoint: Endpoint = {
  method: 'POST',
  path: '/v1/images/generations',
  format: 'openai',
  auth: 'key',
  summary: 'OpenAI image generation, served by the image-generation task (async providers are awaited).',
  async handle(context, services) {
    const body = await readJsonBody(context.request, services.settings.bodyLimits.jsonBytes);
    const model = requireModel(body);
    admitModel(context, model);
    // `response_format`, `style`, `user`, `background`… are OpenAI-model specifics the task does not carry.
    const input = pickFields(body, ['prompt', 'size', 'n', 'quality', 'seed', 'negative_prompt']);
    const { output } = await runOrAwaitJob(context, services, { task: 'image-generation', model, input: input as never });
    const images = (output as { images: Array<{ url?: string; b64_json?: string }>; revised_prompt?: string }).images;
    const revised = (output as { revised_prompt?: string }).revised_prompt;
    sendJson(context, 200, {
      created: Math.floor(Date.now() / 1000),
      data: images.map((image) => ({ ...(image.b64_json ? { b64_json: image.b64_json } : { url: image.url }), ...(revised ? { revised_prompt: revised } : {}) })),
    });
  },
};
