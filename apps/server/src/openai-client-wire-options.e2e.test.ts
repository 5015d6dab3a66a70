import { defineProviderFactory, type ProviderFactory, type ProviderV1, type TaskId } from '@infermux/core';
import { fakeMedia } from '@infermux/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';

/** A provider type serving one task with a canned `doRun`: for behaviours the testkit fakes do not have. */
function cannedProvider(
  type: string,
  task: TaskId,
  doRun: ProviderV1['doRun'],
): ProviderFactory<Record<string, never>> {
  return defineProviderFactory({
    type,
    settingsSchema: z.strictObject({}),
    create: (settings): ProviderV1 => ({
      specificationVersion: 'v1',
      name: (settings as { name?: string }).name ?? type,
      tasks: { [task]: {} },
      doRun,
    }),
  });
}

/** An image model that answers base64 (as gpt-image does upstream): the testkit fakes only hand out URLs. */
const inlineImages = cannedProvider('inline-images', 'image-generation', async () => ({
  output: { images: [{ b64_json: fakeMedia.image.bytes.toString('base64') }] } as never,
}));

/** A chat provider that cannot relay OpenAI's wire format (no `doForward`): its answers take the mapped path. */
const mappedChat = cannedProvider('mapped-chat', 'chat-completion', async () => ({
  output: {
    id: 'chatcmpl-mapped',
    created: 1764057600,
    model: 'mapped-1',
    choices: [{ index: 0, message: { role: 'assistant', content: 'mapped answer' }, finish_reason: 'stop' }],
  } as never,
  usage: { inputTokens: 3, outputTokens: 2 },
}));

let fixture: GatewayFixture;
let client: OpenAI;

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, {}, { extraFactories: [inlineImages, mappedChat] });
  const created = await fetch(`${fixture.gateway.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'wire-options' }),
  }).then((response) => response.json() as Promise<{ key: string }>);
  client = new OpenAI({ apiKey: created.key, baseURL: `${fixture.gateway.url}/v1`, maxRetries: 0 });
});
afterAll(() => fixture?.close());

async function caught(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('chat: whole answers', () => {
  it('an OpenAI-speaking upstream is relayed as it answered, extra fields included', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'relay me' }] })
      .withResponse();
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(data).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini', system_fingerprint: 'fp_fake' });
    expect(data.choices[0]).toMatchObject({
      index: 0,
      logprobs: null,
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'You said: relay me', refusal: null },
    });
  });

  it("an upstream 200 that is not a chat completion is a 502 in OpenAI's error shape, not relayed", async () => {
    const fault = fixture.openai.server.fault(
      'POST /v1/chat/completions',
      { kind: 'status', status: 200, body: { result: 'not a chat completion' } },
      { times: Number.POSITIVE_INFINITY },
    );
    const error = await caught(
      client.chat.completions.create({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    );
    expect(error.status).toBe(502);
    expect(error.code).toBe('provider_bad_response');
    expect(error.message).toContain('choices');
    fault.cancel();
  });

  it("a provider that cannot relay OpenAI's format: the mapped answer gets `object` and `logprobs: null`", async () => {
    const data = await client.chat.completions.create({
      model: 'mapped-chat:any',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(data).toMatchObject({ id: 'chatcmpl-mapped', object: 'chat.completion', model: 'mapped-1' });
    expect(data.choices[0]).toMatchObject({
      logprobs: null,
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'mapped answer' },
    });
  });
});

describe('embeddings: dimensions, user and unknown fields', () => {
  it('passes `dimensions` to an OpenAI-compatible upstream and returns vectors of that length (base64 and float)', async () => {
    const asBase64 = await client.embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: ['alpha', 'beta'],
      dimensions: 3,
      user: 'u-7',
    });
    const asFloat = await client.embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: 'alpha',
      dimensions: 5,
      encoding_format: 'float',
    });
    expect(asBase64.data.map((item) => item.embedding.length)).toEqual([3, 3]);
    expect(asFloat.data[0]?.embedding).toHaveLength(5);
    const [first, second] = fixture.openai.server.requests
      .filter((request) => request.path === '/v1/embeddings')
      .slice(-2);
    expect(first?.json()).toMatchObject({ dimensions: 3, input: ['alpha', 'beta'] });
    expect(second?.json()).toMatchObject({ dimensions: 5 });
    // `user` is ignored, as on /v1/chat/completions: the gateway key identifies the caller.
    expect(first?.json()).not.toHaveProperty('user');
  });

  it('ignores unknown fields and `dimensions: null`, as openai-node sends them', async () => {
    const response = await client.embeddings.create({
      model: 'openai:text-embedding-3-small',
      input: 'gamma',
      dimensions: null,
      encoding_format: 'float',
      future_field: { x: 1 },
    } as never);
    expect(response.data[0]?.embedding).toHaveLength(8);
    expect(fixture.openai.server.requests.at(-1)?.json()).not.toHaveProperty('dimensions');
  });

  it('Hugging Face feature-extraction has no `dimensions`: a typed 400 naming it, and no upstream call', async () => {
    const before = fixture.hf.server.requests.length;
    const error = await caught(
      client.embeddings.create({ model: 'hf:sentence-transformers/all-MiniLM-L6-v2', input: 'delta', dimensions: 4 }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      param: 'dimensions',
      type: 'invalid_request_error',
      code: 'caller_unsupported',
    });
    expect(error.message).toContain('dimensions');
    expect(fixture.hf.server.requests.length).toBe(before);
    // Without it the same model answers.
    const plain = await client.embeddings.create({
      model: 'hf:sentence-transformers/all-MiniLM-L6-v2',
      input: 'delta',
    });
    expect(plain.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it.each([0, -2, 2.5, '8'])('dimensions %o → 400 naming the field', async (dimensions) => {
    const error = await caught(
      client.embeddings.create({ model: 'openai:text-embedding-3-small', input: 'x', dimensions } as never),
    );
    expect(error).toMatchObject({ status: 400, param: 'dimensions' });
  });

  it('an upstream that ignores `dimensions` is caught: 502 naming the field, not vectors of the wrong length', async () => {
    const eight = Array.from({ length: 8 }, (_, index) => index / 10);
    fixture.openai.server.fault('POST /v1/embeddings', {
      kind: 'status',
      status: 200,
      body: {
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: eight }],
        model: 'text-embedding-ada-002',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      },
    });
    const error = await caught(
      client.embeddings.create({
        model: 'openai:text-embedding-ada-002',
        input: 'epsilon',
        dimensions: 4,
        encoding_format: 'float',
      }),
    );
    expect(error.status).toBe(502);
    expect(error.param).toBe('dimensions');
    expect(error.message).toContain('8-dimensional');
    // A retry would pay again for the same wrong answer.
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });
});

describe('images: response_format', () => {
  const imageRequests = () => fixture.evolink.count('POST', '/v1/images/generations');

  it('default for a dall-e style model is `url`; `b64_json` downloads the provider URL and encodes its bytes', async () => {
    const asUrl = await client.images.generate({ model: 'evolink:gpt-4o-image', prompt: 'a red fox' });
    const url = asUrl.data?.[0]?.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(asUrl.data?.[0]).not.toHaveProperty('b64_json');
    const asBase64 = await client.images.generate({
      model: 'evolink:gpt-4o-image',
      prompt: 'a red fox',
      response_format: 'b64_json',
    });
    expect(asBase64.data?.[0]).not.toHaveProperty('url');
    const bytes = Buffer.from(asBase64.data?.[0]?.b64_json as string, 'base64');
    expect(bytes.equals(fakeMedia.image.bytes)).toBe(true);
    expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(bytes)).toBe(true);
  }, 20_000);

  it('default for a GPT image model is `b64_json`, as OpenAI answers gpt-image-1', async () => {
    const images = await client.images.generate({ model: 'evolink:gpt-image-1', prompt: 'a lighthouse' });
    expect(Buffer.from(images.data?.[0]?.b64_json as string, 'base64').equals(fakeMedia.image.bytes)).toBe(true);
  }, 20_000);

  it('`url` from a provider that answered base64 is a data: URL with the sniffed media type', async () => {
    const asUrl = await client.images.generate({
      model: 'inline-images:any',
      prompt: 'a kite',
      response_format: 'url',
    });
    const url = asUrl.data?.[0]?.url as string;
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64').equals(fakeMedia.image.bytes)).toBe(true);
    const asIs = await client.images.generate({
      model: 'inline-images:any',
      prompt: 'a kite',
      response_format: 'b64_json',
    });
    expect(asIs.data?.[0]?.b64_json).toBe(fakeMedia.image.bytes.toString('base64'));
  });

  it('another response_format is a typed 400 naming the field, before any (paid) generation', async () => {
    const before = imageRequests();
    const error = await caught(
      client.images.generate({ model: 'evolink:gpt-4o-image', prompt: 'x', response_format: 'png' as never }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'response_format', type: 'invalid_request_error' });
    expect(error.message).toContain('"url" or "b64_json"');
    expect(imageRequests()).toBe(before);
  });
});

describe('videos: the endpoints the gateway cannot honour say so', () => {
  it('list → 405 (Allow: POST) with the reason and what to do instead', async () => {
    const error = await caught(client.videos.list());
    expect(error.status).toBe(405);
    expect(error.headers?.get('allow')).toBe('POST');
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'caller_unsupported' });
    expect(error.message).toMatch(/Listing videos is not supported.*GET \/v1\/videos\/\{id\}/);
    expect(error.requestID).toMatch(/^req_/);
  });

  it('delete → 405 (Allow: GET) for a real video id; 404 for an id that is not one', async () => {
    const created = await client.videos.create({
      model: 'evolink:sora-2',
      prompt: 'a paper boat on a river',
      seconds: '4',
    });
    const error = await caught(client.videos.delete(created.id));
    expect(error.status).toBe(405);
    expect(error.headers?.get('allow')).toBe('GET');
    expect(error.message).toContain('Deleting a video is not supported');
    // The video is still there.
    expect((await client.videos.retrieve(created.id)).id).toBe(created.id);
    expect(await caught(client.videos.delete('video_123'))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('remix → 405 with an empty Allow, and no job submitted', async () => {
    const created = await client.videos.create({ model: 'evolink:sora-2', prompt: 'a red balloon', seconds: '4' });
    const before = fixture.evolink.count('POST', '/v1/videos/generations');
    const error = await caught(client.videos.remix(created.id, { prompt: 'the same balloon, at night' }));
    expect(error.status).toBe(405);
    expect(error.headers?.get('allow')).toBe('');
    expect(error.message).toContain('Remixing a video is not supported');
    expect(fixture.evolink.count('POST', '/v1/videos/generations')).toBe(before);
  });

  it('the OpenAPI document lists them with their 405 answer', async () => {
    const document = (await fetch(`${fixture.gateway.url}/openapi.json`).then((response) => response.json())) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; 'x-infermux-unsupported'?: boolean }>>;
    };
    for (const [path, method] of [
      ['/v1/videos', 'get'],
      ['/v1/videos/{id}', 'delete'],
      ['/v1/videos/{id}/remix', 'post'],
    ] as const) {
      const operation = document.paths[path]?.[method];
      expect(operation?.['x-infermux-unsupported']).toBe(true);
      expect(Object.keys(operation?.responses ?? {})).toEqual(['405']);
    }
    expect(document.paths['/v1/videos']?.post?.responses).toHaveProperty('200');
  });
});
