#!/usr/bin/env node
// Runs the seed examples against the real Hugging Face router when HF_TOKEN is set and the network
// allows. Not part of the test suite: `pnpm --filter @infermux/hf smoke:live` (builds first).
// It checks the real wire format end to end; results vary with the live models.
import { createClient } from '@infermux/core';
import { createHf } from '@infermux/hf';

if (!process.env.HF_TOKEN && !process.env.HF_API_TOKEN) {
  console.log('smoke:live skipped: set HF_TOKEN to a token with the "Make calls to Inference Providers" permission.');
  process.exit(0);
}

const client = createClient({ providers: [createHf({ onWarning: (message) => console.warn(`warning: ${message}`) })] });

// An image of cats from the HF documentation images (the core task registry's example input).
const catsUrl = 'https://huggingface.co/datasets/huggingface/documentation-images/resolve/main/cats.png';

const examples = [
  [
    'sentiment (distilbert SST-2)',
    () =>
      client.run('text-classification', {
        model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
        input: { inputs: 'I like you. I love you' },
      }),
  ],
  [
    'gpt2 generation with parameters',
    () =>
      client.run('text-generation', {
        model: 'openai-community/gpt2',
        input: { inputs: 'The answer to the universe is', parameters: { max_new_tokens: 20, temperature: 0.7 } },
      }),
  ],
  [
    'image classification from raw bytes',
    async () => {
      const response = await fetch(catsUrl);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return client.run('image-classification', { model: 'google/vit-base-patch16-224', input: { inputs: bytes } });
    },
  ],
  [
    'zero-shot with candidate labels',
    () =>
      client.run('zero-shot-classification', {
        model: 'facebook/bart-large-mnli',
        input: {
          inputs:
            'Hi, I recently bought a device from your company but it is not working as advertised and I would like to get reimbursed!',
          parameters: { candidate_labels: ['refund', 'legal', 'faq'] },
        },
      }),
  ],
  [
    'chat through the router',
    () =>
      client.run('chat-completion', {
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        input: { messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 32 },
      }),
  ],
];

let failures = 0;
for (const [name, run] of examples) {
  try {
    const result = await run();
    console.log(
      `ok   ${name}: ${JSON.stringify(result.output).slice(0, 200)} (usage ${JSON.stringify(result.usage)}, request ${result.requestId ?? '-'})`,
    );
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${name}: ${error?.code ?? ''} ${error?.message ?? String(error)}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
