import { describe, expect, it } from 'vitest';
import { createClient } from '../client/create-client';
import type { ProviderV1 } from './provider';
import { vouchForOutput } from './vouched-output';

/** A provider that answers every run with `output` (no network: this is about core's output check). */
function providerAnswering(output: () => unknown): ProviderV1 {
  return {
    specificationVersion: 'v1',
    name: 'fixed',
    tasks: { 'chat-completion': {} },
    async doRun() {
      return { output: output(), usage: {} } as never;
    },
  };
}

const request = { model: 'fixed:org/model', input: { messages: [{ role: 'user' as const, content: 'hi' }] } };
const good = {
  id: 'x',
  created: 1,
  model: 'org/model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
};

describe('vouched outputs', () => {
  it('an output nobody vouched for is still validated against the task schema', async () => {
    const client = createClient({
      providers: [providerAnswering(() => ({ choices: 'not a list' }))],
      retry: { maxAttempts: 1 },
    });
    await expect(client.run('chat-completion', request)).rejects.toMatchObject({
      code: 'provider_bad_response',
      provider: 'fixed',
    });
  });

  it('an output the adapter vouched for reaches the caller as is, without a second validation', async () => {
    let produced: object | undefined;
    const client = createClient({
      providers: [
        providerAnswering(() => {
          produced = vouchForOutput(structuredClone(good));
          return produced;
        }),
      ],
    });
    const result = await client.run('chat-completion', request);
    // Validation would have returned a copy; the very object the adapter built comes through.
    expect(result.output).toBe(produced);
    expect(result.output).toEqual(good);
  });
});
