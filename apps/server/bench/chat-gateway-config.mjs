// The chat gateway both the bench and the soak run: one openai-compatible provider in front of the bench's
// fake upstream, a `bench-chat` route, a price (so cost is booked as in production) and one gateway key.
import { writeFileSync } from 'node:fs';

/** Writes the config to `file` and returns `file`; `key` names the key and its env variable, `ledger` its settings. */
export function writeChatGatewayConfig(file, { upstreamUrl, key, ledger }) {
  writeFileSync(
    file,
    JSON.stringify({
      providers: {
        bench: { type: 'openai-compatible', baseURL: `${upstreamUrl}/v1`, apiKey: 'sk-bench-upstream-key-0000' },
      },
      routes: { 'bench-chat': { targets: [{ model: 'bench:gpt-4o-mini' }] } },
      prices: { version: 'bench', models: { 'bench:*': { inputPerMillionTokens: 0.15, outputPerMillionTokens: 0.6 } } },
      server: { keys: [key], ledger, logging: { level: 'info' } }, // the start line only: request logs are off
    }),
  );
  return file;
}
