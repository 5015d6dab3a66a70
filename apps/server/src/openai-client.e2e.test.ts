import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type GatewayFixture,
  startGatewayFixture,
  UPSTREAM_OPENAI_KEY,
} from './test-support/gateway-fixture';

let fixture: GatewayFixture;
let client: OpenAI;

beforeAll(async () => {
  fixture = await startGatewayFixture(
    {},
    {},
    { routes: { 'fast-chat': { targets: [{ model: 'openai:gpt-4o-mini' }] } } },
  );
  // A real gateway key, created through the admin API: the official client only ever sees it.
  const created = await fetch(`${fixture.gateway.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'openai-sdk' }),
  }).then((response) => response.json() as Promise<{ key: string }>);
  client = new OpenAI({ apiKey: created.key, baseURL: `${fixture.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(() => fixture?.close());

describe('the official openai client, unchanged, against the gateway', () => {
  it('chat: answer, usage, request id; the upstream got the provider key, not the gateway key', async () => {
    const { data, response: raw } = await client.chat.completions
      .create({ model: 'fast-chat', messages: [{ role: 'user', content: 'hello there' }], user: 'u-1', store: false })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content).toBe('You said: hello there');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(raw.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(Number(raw.headers.get('x-infermux-overhead-ms'))).toBeGreaterThanOrEqual(0);
    const upstream = fixture.openai.server.requests.at(-1)!;
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(upstream.headers.authorization).toBe(`Bearer ${UPSTREAM_OPENAI_KEY}`);
    expect(upstream.json<{ model: string; user?: string }>()).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('streaming chat: role first, text deltas, finish reason, usage chunk, then the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('You said: stream me');
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('the .stream() helper rebuilds a complete ChatCompletion', async () => {
    const runner = client.chat.completions.stream({
      model: 'openai:gpt-4o-mini',
      messages: [{ role: 'user', content: 'helper' }],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'You said: helper' });
  });

  it('embeddings: the default base64 encoding decodes to the upstream vectors; float works too', async () => {
    const asBase64 = await client.embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    const asFloat = await client.embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: ['alpha', 'beta'],
      encoding_format: 'float',
    });
    expect(asBase64.data).toHaveLength(2);
    expect(asBase64.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(asFloat.data[1]?.embedding).toHaveLength(asBase64.data[1]!.embedding.length);
    // float32 round trip: the same vector to float32 precision.
    asBase64.data[1]!.embedding.forEach((value, index) => {
      expect(value).toBeCloseTo(asFloat.data[1]!.embedding[index]!, 5);
    });
    expect(asBase64.usage.prompt_tokens).toBeGreaterThanOrEqual(0);
  });

  it('images: an async image job upstream is awaited and answered in the OpenAI shape', async () => {
    const images = await client.images.generate({
      model: 'evolink:gpt-4o-image',
      prompt: 'a red fox',
      size: '1024x1024',
      n: 1,
    });
    expect(images.created).toBeGreaterThan(0);
    expect(images.data?.[0]?.url).toMatch(/^http/);
  }, 15_000);

  it('videos: create (multipart, as openai-node v6.28+ sends it), poll, download the bytes', async () => {
    const created = await client.videos.create({
      model: 'evolink:sora-2',
      prompt: 'a calico cat playing a piano',
      seconds: '4',
    });
    expect(created).toMatchObject({
      object: 'video',
      model: 'evolink:sora-2',
      prompt: 'a calico cat playing a piano',
      seconds: '4',
      size: null,
      error: null,
    });
    expect(created.id).toMatch(/^job_/);
    let video = created;
    for (let polls = 0; polls < 10 && video.status !== 'completed' && video.status !== 'failed'; polls++)
      video = await client.videos.retrieve(created.id);
    expect(video.status).toBe('completed');
    expect(video.progress).toBe(100);
    const content = await client.videos.downloadContent(created.id);
    expect(content.headers.get('content-type')).toMatch(/^video\//);
    expect((await content.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('models: the routes, their targets and the provider catalogues; one retrieved by id (with a slash)', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    // Configured names first, then each catalogue as `provider:id` (the fake OpenAI's list, the fake HF router's).
    expect(ids.slice(0, 2)).toEqual(['fast-chat', 'openai:gpt-4o-mini']);
    expect(ids).toEqual(
      expect.arrayContaining(['openai:fake-chat-1', 'openai:fake-embed-1', 'hf:meta-llama/Llama-3.1-8B-Instruct']),
    );
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'infermux' });
    expect(models.data[1]).toMatchObject({ owned_by: 'openai' });
    const one = await client.models.retrieve('hf:meta-llama/Llama-3.1-8B-Instruct');
    expect(one).toMatchObject({ id: 'hf:meta-llama/Llama-3.1-8B-Instruct', object: 'model', owned_by: 'meta-llama' });
    await expect(client.models.retrieve('openai:no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('errors arrive as the SDK expects: class, status, code and request id', async () => {
    const error = await client.chat.completions
      .create({ model: 'openai:gpt-4o-mini', messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const typed = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(typed.status).toBe(400);
    expect(typed.type).toBe('invalid_request_error');
    expect(typed.param).toBe('messages');
    expect(typed.requestID).toMatch(/^req_/);
    const wrongKey = new OpenAI({
      apiKey: 'imx_not-a-real-key-at-all-000000',
      baseURL: `${fixture.gateway.url}/v1`,
      maxRetries: 0,
    });
    await expect(wrongKey.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
