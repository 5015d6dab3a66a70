import { getTask, parseWith, type TaskInput } from '@infermux/core';
import {
  FAKE_HF_VALID_TOKEN,
  type FakeHf,
  type FakeHfOptions,
  type RecordedRequest,
  startFakeHf,
} from '@infermux/testkit';
import { createHf, type HfProvider } from '../hf-provider';
import type { HfSettings } from '../hf-settings';
import type { HfTaskId } from '../tasks/hf-task-mappings';

export interface FakeHfSetup {
  fake: FakeHf;
  provider: HfProvider;
  /** The last request the fake received. */
  last(): RecordedRequest;
  /** Runs the adapter, then validates its output against the core task's output schema, as the client does. */
  run<T extends HfTaskId>(task: T, model: string, input: TaskInput<T>): ReturnType<typeof runValidated<T>>;
  close(): Promise<void>;
}

/** A fake Hugging Face on 127.0.0.1 and a provider pointed at it (router and Hub on the same fake). */
export async function setupFakeHf(settings: HfSettings = {}, options: FakeHfOptions = {}): Promise<FakeHfSetup> {
  const fake = await startFakeHf(options);
  const provider = createHf({
    apiKey: FAKE_HF_VALID_TOKEN,
    baseURL: fake.url,
    hubURL: fake.hubURL,
    env: {},
    ...settings,
  });
  return {
    fake,
    provider,
    last() {
      const request = fake.server.requests.at(-1);
      if (!request) throw new Error('the fake received no request');
      return request;
    },
    run: (task, model, input) => runValidated(provider, task, model, input),
    close: () => fake.close(),
  };
}

async function runValidated<T extends HfTaskId>(provider: HfProvider, task: T, model: string, input: TaskInput<T>) {
  const result = stable(await provider.doRun({ task, model: { id: model }, input }));
  parseWith(getTask(task).output, result.output, `output of ${task}`);
  return result;
}

/** What the upstream received, in a snapshot-friendly form (path without the random port, token masked). */
export function received(request: RecordedRequest) {
  const contentType = request.headers['content-type'] ?? '';
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept', 'x-hf-bill-to']) {
    const value = request.headers[name];
    if (value !== undefined)
      headers[name] = name === 'authorization' ? value.replace(FAKE_HF_VALID_TOKEN, '<token>') : value;
  }
  return {
    method: request.method,
    url: request.url,
    headers,
    body: contentType.includes('json')
      ? request.json()
      : { bytes: request.body.byteLength, first: [...request.body.subarray(0, 4)] },
  };
}

/** A run result without the parts that change between runs (timing, request ids). */
export function stable<T extends { firstByteMs?: number; requestId?: string }>(
  result: T,
): Omit<T, 'firstByteMs' | 'requestId'> {
  const { firstByteMs: _firstByteMs, requestId: _requestId, ...rest } = result;
  return rest;
}
