import { parseUpstream } from '@infermux/core/provider-utils';
import { z } from 'zod';
import { listBatch } from './list-batch';
import { expectJson, firstIfList, inputsBody, taskUrl } from './mapping-helpers';
import type { HfTaskMapping } from './task-mapping';

const summary = z.looseObject({ summary_text: z.string() });

/** wire/hf §5.7: `[{summary_text}]` today (one item per input); a bare object is accepted too. */
const upstream = z.union([z.array(summary).min(1), summary]);

export const summarization: HfTaskMapping<'summarization'> = {
  capabilities: {},
  // `parameters` goes as it is, legacy top-level generation parameters (`max_length`, …) included: that is
  // where the legacy API took them, and the HF toolkit still calls `pipeline(inputs, **parameters)`
  // (huggingface-inference-toolkit `handler.py`), and the transformers pipeline hands keywords it does not
  // know to generate() (wire/hf §5.7).
  request: (input, context) => ({ url: taskUrl(context), body: inputsBody(input.inputs, input.parameters) }),
  response(body, context) {
    const parsed = parseUpstream(upstream, expectJson(body, context), context, '[{summary_text}]');
    return { output: firstIfList(parsed) as z.output<typeof summary> };
  },
  // wire/hf §6: dedicated endpoints (toolkit) pass a list to the pipeline; transformers: `[{summary_text}, …]`, flat; generation time grows with the list, hence 8.
  batch: listBatch((body, context) => summarization.response(body, context), { targets: 'dedicated', maxBatchSize: 8 }),
};
