import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, firstIfList, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const translated = z.looseObject({ translation_text: z.string() });

/** wire/hf §5.8: `[{translation_text}]` today (one item per input); a bare object is accepted too. */
const upstream = z.union([z.array(translated).min(1), translated]);

export const translation: HfTaskMapping<'translation'> = {
  capabilities: {},
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context, input) {
    const json = expectJson(body, context);
    // A list of texts is answered with a flat list, one translation per text in input order (wire/hf §6).
    if (Array.isArray(input?.inputs)) {
      const perInput = z.array(translated).length(input.inputs.length);
      return { output: parseUpstream(perInput, json, context, `${input.inputs.length} × {translation_text}`) };
    }
    const parsed = parseUpstream(upstream, json, context, '[{translation_text}]');
    return { output: firstIfList(parsed) as z.output<typeof translated> };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: `[{translation_text}, …]`, flat; generation time grows with the list, hence 8.
  batch: listBatch((body, context) => translation.response(body, context), { targets: 'dedicated', maxBatchSize: 8 }),
};
