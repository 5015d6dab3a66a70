import { binaryOutput } from './binary-output';
import { inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

export const textToSpeech: HfTaskMapping<'text-to-speech'> = {
  capabilities: {},
  binaryResponse: true,
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  // Raw audio bytes (wire/hf §5.24); the sampling rate is not on the wire then, so it is left out.
  response: (body, context) => ({ output: { audio: binaryOutput(body, context, 'audio') } }),
};
