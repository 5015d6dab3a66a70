import { createClient, type InfermuxEvent } from '@infermux/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeHfSetup, setupFakeHf } from '../test-support/fake-hf-setup';

const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const SST2 = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
const chat = { messages: [{ role: 'user' as const, content: 'Say hi' }], max_tokens: 16 };

/** Cost of `usage` at the fake router list's price (USD per million tokens). */
function priced(usage: { inputTokens?: number; outputTokens?: number }, input: number, output: number): number {
  return Math.round((((usage.inputTokens ?? 0) * input + (usage.outputTokens ?? 0) * output) / 1e6) * 1e10) / 1e10;
}

describe('HF prices from the router model list, compute time and the shipped table (issue #20)', () => {
  let setup: FakeHfSetup;
  beforeAll(async () => {
    setup = await setupFakeHf(
      {},
      { models: [{ id: 'acme/gpu-classifier', pipelineTag: 'text-classification', computeType: 'gpu' }] },
    );
  });
  afterAll(() => setup.close());

  const modelListCalls = () => setup.fake.server.requests.filter((request) => request.path === '/v1/models');

  it('prices a routed chat from the router list, and cost-aware picks the cheaper of two providers', async () => {
    const events: InfermuxEvent[] = [];
    const client = createClient({
      providers: [setup.provider],
      routes: {
        llama: {
          strategy: 'cost-aware',
          targets: [{ model: `hf:${LLAMA}:together` }, { model: `hf:${LLAMA}:novita` }],
        },
      },
      onEvent: (event) => events.push(event),
    });
    const before = modelListCalls().length;
    const result = await client.run('chat-completion', { model: 'llama', input: chat });
    expect(setup.fake.server.requests.at(-1)?.json()).toMatchObject({ model: `${LLAMA}:novita` });
    expect(result.cost).toEqual({
      amount: priced(result.usage, 0.02, 0.05),
      currency: 'USD',
      source: 'catalogue',
      priceVersion: expect.stringMatching(/^hf-router-models@\d{4}-\d{2}-\d{2}T/),
    });
    expect(result.cost?.amount).toBeGreaterThan(0);
    expect(result.warnings).toEqual([]);
    // Loaded once, then reused (TTL of an hour).
    await client.run('chat-completion', { model: `hf:${LLAMA}:together`, input: chat });
    expect(modelListCalls().length - before).toBe(1);
    expect(events.filter((event) => event.type === 'request-end').map((event) => event.cost?.source)).toEqual([
      'catalogue',
      'catalogue',
    ]);
  });

  it('prices a streamed and a non-streamed call with the same usage the same', async () => {
    const client = createClient({ providers: [setup.provider] });
    const model = `hf:${LLAMA}:together`;
    const plain = await client.run('chat-completion', { model, input: chat });
    const streamed = client.stream('chat-completion', {
      model,
      input: { ...chat, stream_options: { include_usage: true } },
    });
    for await (const _part of streamed) {
      // read to the end
    }
    const result = await streamed.result;
    expect(result.usage.inputTokens).toBe(plain.usage.inputTokens);
    expect(result.usage.outputTokens).toBe(plain.usage.outputTokens);
    expect(result.cost).toEqual(plain.cost);
    expect(plain.cost).toMatchObject({ amount: priced(plain.usage, 0.18, 0.18), source: 'catalogue' });
  });

  it('keeps the last good copy when a refresh fails', async () => {
    const catalogue = setup.provider.pricing?.catalogue;
    if (!catalogue) throw new Error('the HF provider has a price catalogue');
    const fetchedAt = catalogue.fetchedAt;
    setup.fake.server.fault('GET /v1/models', { kind: 'status', status: 503, body: { error: 'down' } });
    await catalogue.refresh({ force: true });
    expect(catalogue.fetchedAt).toBe(fetchedAt);
    expect(catalogue.price({ id: LLAMA, variant: 'novita' })).toMatchObject({ inputPerMillionTokens: 0.02 });
  });

  it('prices an hf-inference call from its compute time on GPU at the shipped rate', async () => {
    const client = createClient({ providers: [setup.provider] });
    const result = await client.run('text-classification', {
      model: 'hf:acme/gpu-classifier',
      input: { inputs: 'ok' },
    });
    expect(result.usage).toMatchObject({ computeSeconds: 0.012, computeType: 'gpu' });
    expect(result.cost).toEqual({
      amount: 1.44e-6,
      currency: 'USD',
      source: 'default',
      priceVersion: 'hf-defaults-2026-12-07',
    });
  });

  it('leaves a CPU call unknown (no published rate) unless the configuration prices it', async () => {
    const unpriced = await createClient({ providers: [setup.provider] }).run('text-classification', {
      model: `hf:${SST2}`,
      input: { inputs: 'ok' },
    });
    expect(unpriced.cost).toBeNull();
    expect(unpriced.warnings.map((warning) => warning.code)).toEqual(['cost_unknown']);
    const configured = await createClient({
      providers: [setup.provider],
      prices: { version: 'ours-1', models: { [`hf:${SST2}`]: { perComputeSecond: 0.00005 } } },
    }).run('text-classification', { model: `hf:${SST2}`, input: { inputs: 'ok' } });
    expect(configured.cost).toMatchObject({ currency: 'USD', source: 'config', priceVersion: 'ours-1' });
    expect(configured.cost?.amount).toBeCloseTo(0.012 * 0.00005, 15);
  });
});
