import { z } from 'zod';
import { defineTask } from './define-task';
import { generateKwargsSchema, text2TextTruncationSchema } from './shared-schemas';

const translatedSchema = z.looseObject({ translation_text: z.string() });

export const translation = defineTask({
  id: 'translation',
  summary: 'Translate a text into another language.',
  hfSpec: 'translation',
  // Array `inputs` is legacy and unverified on the router: core batches per item
  // when the provider does not declare native batching.
  batchable: true,
  input: z.strictObject({
    // A list is translated in one call, answers in input order (wire/hf §6; huggingface.js typed `string | string[]`).
    inputs: z.union([z.string(), z.array(z.string()).min(1, 'expected at least one text')], {
      error: 'expected the text to translate (a string) or a list of texts (strings)',
    }),
    parameters: z
      .strictObject({
        /** Needed by multilingual models (mBART, NLLB `eng_Latn`, M2M100). */
        src_lang: z.string().optional(),
        tgt_lang: z.string().optional(),
        clean_up_tokenization_spaces: z.boolean().optional(),
        truncation: text2TextTruncationSchema.optional(),
        generate_parameters: generateKwargsSchema.optional(),
      })
      .optional(),
  }),
  // One answer for a text, a list of answers (in input order) for a list.
  output: z.union([translatedSchema, z.array(translatedSchema)]),
  example: {
    input: { inputs: 'Меня зовут Вольфганг и я живу в Берлине', parameters: { src_lang: 'ru', tgt_lang: 'en' } },
    output: { translation_text: 'My name is Wolfgang and I live in Berlin' },
  },
});
