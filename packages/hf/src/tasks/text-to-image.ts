import { binaryOutput } from './binary-output';
import { inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

export const textToImage: HfTaskMapping<'text-to-image'> = {
  capabilities: {},
  binaryResponse: true,
  // `Accept: image/png` as huggingface_hub sends it (wire/hf §2.3).
  request: (input, context) => ({
    url: taskUrl(context),
    body: inputsBody(input.inputs, input.parameters),
    headers: { accept: 'image/png' },
  }),
  response: (body, context) => ({ output: { image: binaryOutput(body, context, 'image') }, usage: { images: 1 } }),
};
