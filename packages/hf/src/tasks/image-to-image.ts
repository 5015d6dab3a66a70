import { binaryOutput } from './binary-output';
import { binaryInputBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

export const imageToImage: HfTaskMapping<'image-to-image'> = {
  capabilities: {},
  binaryResponse: true,
  // Raw bytes without parameters, base64 JSON with them (wire/hf §5.19); `Accept: image/png` as huggingface_hub sends.
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
    headers: { accept: 'image/png' },
  }),
  response: (body, context) => ({ output: { image: binaryOutput(body, context, 'image') }, usage: { images: 1 } }),
};
