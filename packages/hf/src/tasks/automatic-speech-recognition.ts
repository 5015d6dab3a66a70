import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { binaryInputBody, expectJson, firstIfList, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const transcript = z.looseObject({
  text: z.string(),
  chunks: z
    .array(z.looseObject({ text: z.string(), timestamp: z.tuple([z.number(), z.number().nullable()]) }))
    .optional(),
});

/** wire/hf §5.22: `{text, chunks?}` (`chunks` only with `return_timestamps`); a one-item list is accepted too. */
const upstream = z.union([transcript, z.array(transcript).length(1)]);

export const automaticSpeechRecognition: HfTaskMapping<'automatic-speech-recognition'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
  }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '{text, chunks?}');
    return { output: firstIfList(parsed) as z.output<typeof transcript> };
  },
};
