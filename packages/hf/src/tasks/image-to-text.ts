import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { binaryInputBody, expectJson, firstIfList, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const caption = z.looseObject({ generated_text: z.string() });

/**
 * wire/hf §5.18: `{generated_text}` per the spec, which huggingface.js's check implies the server returns now
 * (unverified); the legacy pipeline's `[{generated_text}]` is accepted too.
 */
const upstream = z.union([caption, z.array(caption).min(1)]);

export const imageToText: HfTaskMapping<'image-to-text'> = {
  capabilities: {},
  request: async (input, context) => ({
    url: taskUrl(context),
    body: await binaryInputBody(input.inputs, input.parameters),
  }),
  response(body, context) {
    const parsed = parseUpstream(
      upstream,
      expectJson(body, context),
      context,
      '{generated_text} or [{generated_text}]',
    );
    return { output: firstIfList(parsed) as z.output<typeof caption> };
  },
};
