import { type BatchItemResult, createClient, type TaskId, type TaskInput } from '@infermux/core';
import { defaultFakeHfModels, FAKE_HF_VALID_TOKEN, type FakeHf, startFakeHf } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHf, type HfProvider } from '../hf-provider';
import type { HfBatchTaskId, HfSettings } from '../hf-settings';

/** Each task the adapter batches: the model its endpoint was deployed with, and the i-th input. */
const cases: { [T in HfBatchTaskId]: { model: string; input(index: number): TaskInput<T> } } = {
  'feature-extraction': { model: 'acme/bge-small', input: (i) => ({ inputs: `embed sentence ${i}` }) },
  'text-classification': {
    model: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english',
    input: (i) => ({ inputs: i % 2 ? `review ${i}: I love it` : `review ${i}: terrible` }),
  },
  'token-classification': { model: 'dslim/bert-base-NER', input: (i) => ({ inputs: `Item ${i} is for Sarah Parker` }) },
  'fill-mask': { model: 'google-bert/bert-base-uncased', input: (i) => ({ inputs: `The answer ${i} is [MASK].` }) },
  summarization: {
    model: 'facebook/bart-large-cnn',
    input: (i) => ({ inputs: `Story ${i} starts here. Then it goes on.` }),
  },
  translation: {
    model: 'Helsinki-NLP/opus-mt-ru-en',
    input: (i) => ({ inputs: `текст ${i}`, parameters: { tgt_lang: 'en' } }),
  },
  'zero-shot-classification': {
    model: 'facebook/bart-large-mnli',
    input: (i) => ({ inputs: `match ${i} of sports`, parameters: { candidate_labels: ['sports', 'politics'] } }),
  },
  'question-answering': {
    model: 'deepset/roberta-base-squad2',
    input: (i) => ({ inputs: { question: `Who is ${i}?`, context: `Number ${i} is Clara from Berkeley.` } }),
  },
};
const batchTasks = Object.keys(cases) as HfBatchTaskId[];
const BAD = 'REFUSED';

let fake: FakeHf;
/** One dedicated endpoint per task, its container taking lists and refusing items that contain `BAD`. */
let endpoints: Record<HfBatchTaskId, HfProvider>;

function provider(name: string, settings: HfSettings = {}): HfProvider {
  return createHf({ name, apiKey: FAKE_HF_VALID_TOKEN, baseURL: fake.url, hubURL: fake.hubURL, env: {}, ...settings });
}

beforeAll(async () => {
  fake = await startFakeHf({
    models: [...defaultFakeHfModels, { id: 'acme/bge-small', pipelineTag: 'feature-extraction' }],
    endpoints: batchTasks.map((task) => ({ name: task, model: cases[task].model, takesLists: true, rejectsText: BAD })),
  });
  endpoints = Object.fromEntries(
    batchTasks.map((task) => [task, provider(task, { endpointUrl: fake.endpointUrl(task) })]),
  ) as typeof endpoints;
});
afterAll(() => fake.close());

/** The fake's log of calls to one endpoint: how many items each carried (1 for a single input). */
function itemsPerCall(task: HfBatchTaskId, from: number): number[] {
  return fake.server.requests
    .slice(from)
    .filter((request) => request.path === `/endpoints/${task}`)
    .map((request) => {
      const { inputs } = request.json<{ inputs: unknown }>();
      if (Array.isArray(inputs)) return inputs.length;
      const questions = (inputs as { question?: unknown }).question;
      return Array.isArray(questions) ? questions.length : 1;
    });
}

/** The sizes of the calls that isolate `bad` in items [start, end), in the order they are sent. */
function bisection(start: number, end: number, bad: number): number[] {
  const size = end - start;
  if (bad < start || bad >= end || size === 1) return [size];
  const middle = start + Math.ceil(size / 2);
  return [size, ...bisection(start, middle, bad), ...bisection(middle, end, bad)];
}

function outputs<T extends TaskId>(results: Array<BatchItemResult<T>>): unknown[] {
  return results.map((item) => ('result' in item ? item.result.output : item.error.code));
}

describe('native batching on a dedicated endpoint (the toolkit passes lists to the pipeline, wire/hf §6)', () => {
  it.each(batchTasks)('%s: one upstream call for a batch of the maximum size, every item mapped', async (task) => {
    const client = createClient({ providers: Object.values(endpoints) });
    const max = endpoints[task].tasks[task].maxBatchSize as number;
    expect(max).toBeGreaterThanOrEqual(8);
    const inputs = Array.from({ length: max }, (_, index) => cases[task].input(index));
    const from = fake.server.requests.length;
    const results = await client.batch(task, { model: `${task}:${cases[task].model}`, inputs });
    expect(itemsPerCall(task, from)).toEqual([max]);
    // Each item answers exactly what a run of that input alone answers.
    const singles = await Promise.all(
      inputs.map((input) => client.run(task, { model: `${task}:${cases[task].model}`, input } as never)),
    );
    expect(outputs(results)).toEqual(singles.map((single) => single.output));
    expect(results.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
  });

  it.each(batchTasks)('%s: one bad input → N−1 answers and one typed error, by bisection', async (task) => {
    const client = createClient({ providers: Object.values(endpoints) });
    const max = endpoints[task].tasks[task].maxBatchSize as number;
    const badIndex = 5;
    const inputs = Array.from({ length: max }, (_, index) => {
      const input = cases[task].input(index) as { inputs: unknown };
      if (index !== badIndex) return input;
      const text = input.inputs;
      return {
        ...input,
        inputs: typeof text === 'string' ? `${text} ${BAD}` : { ...(text as object), context: `${BAD} context` },
      };
    }) as Array<TaskInput<typeof task>>;
    const from = fake.server.requests.length;
    const results = await client.batch(task, { model: `${task}:${cases[task].model}`, inputs });
    const failed = results.filter((item) => 'error' in item);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ index: badIndex, error: { code: 'caller_request_rejected' } });
    expect(results.filter((item) => 'result' in item)).toHaveLength(max - 1);
    // The fake's log: the whole list, then each failing half split again down to the bad item alone (sent as a
    // single input); the good halves succeed as they are.
    expect(itemsPerCall(task, from)).toEqual(bisection(0, max, badIndex));
  });

  it("splits the call's usage per item by its text (the endpoint reports the batch's characters and time)", async () => {
    // Priced, so the items' warnings are about batching alone (an unpriced model warns `cost_unknown`).
    const client = createClient({
      providers: Object.values(endpoints),
      prices: { models: { 'text-classification:*': { perComputeSecond: 0.0001 } } },
    });
    const inputs = ['a', 'bbb', 'cccccc'].map((inputs) => ({ inputs }));
    const results = await client.batch('text-classification', {
      model: `text-classification:${cases['text-classification'].model}`,
      inputs,
    });
    const usages = results.map((item) => ('result' in item ? item.result.usage : item.error.code));
    expect(usages).toEqual([
      // The hardware class (x-compute-type) is a label of the whole call: every item ran on it.
      { characters: 1, computeSeconds: expect.closeTo(0.0012, 10), computeType: 'cpu' },
      { characters: 3, computeSeconds: expect.closeTo(0.0036, 10), computeType: 'cpu' },
      { characters: 6, computeSeconds: expect.closeTo(0.0072, 10), computeType: 'cpu' },
    ]);
    expect(results.flatMap((item) => ('result' in item ? item.result.warnings : []))).toEqual([]);
  });
});

describe('where lists are not known to work, one call per input', () => {
  it('hf-inference batches only feature-extraction unless batch.lists is on', async () => {
    const router = provider('router');
    expect(router.tasks['feature-extraction'].maxBatchSize).toBe(32);
    expect(batchTasks.filter((task) => router.tasks[task].maxBatchSize !== undefined)).toEqual(['feature-extraction']);
    await expect(
      router.doBatch({
        task: 'text-classification',
        model: { id: cases['text-classification'].model },
        inputs: [{ inputs: 'x' }, { inputs: 'y' }],
      }),
    ).rejects.toMatchObject({ code: 'caller_unsupported', details: { task: 'text-classification' } });
    const client = createClient({ providers: [router] });
    const from = fake.server.requests.length;
    const results = await client.batch('text-classification', {
      model: cases['text-classification'].model,
      inputs: [{ inputs: 'x' }, { inputs: 'y' }, { inputs: 'z' }],
    });
    expect(results.every((item) => 'result' in item)).toBe(true);
    expect(fake.server.requests.slice(from).map((request) => request.json<{ inputs: unknown }>().inputs)).toEqual([
      'x',
      'y',
      'z',
    ]);
    const opted = provider('opted', { batch: { lists: 'on' } });
    expect(opted.tasks['text-classification'].maxBatchSize).toBe(32);
  });

  it('batch.lists off sends one input per call; batch.maxBatchSize lowers the list per task', async () => {
    const off = provider('off', { endpointUrl: fake.endpointUrl('text-classification'), batch: { lists: 'off' } });
    expect(batchTasks.map((task) => off.tasks[task].maxBatchSize)).toEqual(batchTasks.map(() => undefined));
    const lowered = provider('lowered', {
      endpointUrl: fake.endpointUrl('text-classification'),
      batch: { maxBatchSize: { 'text-classification': 4 } },
    });
    expect(lowered.tasks['text-classification'].maxBatchSize).toBe(4);
    const client = createClient({ providers: [lowered] });
    const from = fake.server.requests.length;
    await client.batch('text-classification', {
      model: cases['text-classification'].model,
      inputs: Array.from({ length: 10 }, (_, index) => ({ inputs: `text ${index}` })),
      concurrency: 1,
    });
    expect(itemsPerCall('text-classification', from)).toEqual([4, 4, 2]);
    await expect(
      lowered.doBatch({
        task: 'text-classification',
        model: { id: cases['text-classification'].model },
        inputs: Array.from({ length: 5 }, () => ({ inputs: 'x' })),
      }),
    ).rejects.toMatchObject({ code: 'caller_invalid_input', details: { field: 'inputs', maxBatchSize: 4 } });
  });

  it('refuses a direct doBatch whose items have different parameters, naming the item', async () => {
    await expect(
      endpoints['text-classification'].doBatch({
        task: 'text-classification',
        model: { id: cases['text-classification'].model },
        inputs: [{ inputs: 'x' }, { inputs: 'y', parameters: { top_k: 2 } }],
      }),
    ).rejects.toMatchObject({ code: 'caller_invalid_input', details: { field: 'inputs[1].parameters' } });
  });
});
