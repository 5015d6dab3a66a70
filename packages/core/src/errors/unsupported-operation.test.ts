import { describe, expect, it } from 'vitest';
import { createClient } from '../client/create-client';
import type { ProviderV1 } from '../provider/provider';
import { InfermuxError } from './infermux-error';
import { isUnsupportedOperation } from './unsupported-operation';

/** Serves chat-completion as a stream only: no `doRun`, no `doStart` (no network: the client refuses first). */
const streamOnly: ProviderV1 = {
  specificationVersion: 'v1',
  name: 'stream-only',
  tasks: { 'chat-completion': { streaming: true } },
  async doStream() {
    throw new Error('not called');
  },
};

const request = { model: 'stream-only:org/model', input: { messages: [{ role: 'user' as const, content: 'hi' }] } };

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('isUnsupportedOperation', () => {
  it('names the operation a provider lacks, whatever the message says', async () => {
    const client = createClient({ providers: [streamOnly] });
    const run = await rejectionOf(client.run('chat-completion', request));
    expect(run).toMatchObject({ code: 'caller_unsupported', details: { task: 'chat-completion', operation: 'run' } });
    expect(isUnsupportedOperation(run, 'run')).toBe(true);
    expect(isUnsupportedOperation(run, 'start')).toBe(false);

    const submit = await rejectionOf(client.submit('chat-completion', request));
    expect(isUnsupportedOperation(submit, 'start')).toBe(true);
    expect(isUnsupportedOperation(submit, 'run')).toBe(false);
  });

  it('never reads the message: words alone, or another code, do not count', () => {
    expect(isUnsupportedOperation(new Error('Provider "x" cannot run for task "y"'), 'run')).toBe(false);
    const wrongCode = new InfermuxError({ code: 'caller_invalid_input', message: 'x', details: { operation: 'run' } });
    expect(isUnsupportedOperation(wrongCode, 'run')).toBe(false);
  });
});
