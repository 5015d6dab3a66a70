import { type FakeServer, startFakeServer } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfermuxError } from '../errors/infermux-error';
import { createHttpTransport } from '../transport/http-transport';
import { createHeaderCache } from './request-headers';
import {
  EVENT_STREAM_MEDIA_TYPE,
  getJson,
  JSON_MEDIA_TYPE,
  postBytes,
  postJson,
  type UpstreamEndpoint,
} from './upstream-request';

let server: FakeServer;
beforeAll(async () => {
  server = await startFakeServer({
    routes: [
      { method: 'POST', path: '/ok', handler: (_request, response) => response.json(200, { ok: true }) },
      { method: 'GET', path: '/ok', handler: (_request, response) => response.json(200, { listed: true }) },
      { method: 'POST', path: '/refused', handler: (_request, response) => response.json(429, { error: 'slow down' }) },
      {
        // A validating server that refuses a field it does not know, as TGI does with 422.
        method: 'POST',
        path: '/strict',
        handler: (request, response) =>
          'extra' in request.json<object>()
            ? response.json(422, { error: 'unknown field extra' })
            : response.json(200, { sent: request.json() }),
      },
      { method: 'POST', path: '/bad', handler: (_request, response) => response.json(400, { error: 'bad' }) },
    ],
  });
});
afterAll(() => server?.close());

const transport = createHttpTransport();
const headersFor = createHeaderCache();
const endpoint = (path: string): UpstreamEndpoint => ({
  transport,
  provider: 'fake',
  url: `${server.url}${path}`,
  headers: headersFor({ settings: { 'X-Team': 'ml' }, apiKey: 'sk-request-test' }),
  errorFromResponse: async (response, provider) =>
    new InfermuxError({ code: 'provider_rate_limited', message: `${provider}: ${await response.text()}` }),
});

describe('upstream requests', () => {
  it('POSTs JSON with the headers, the content type and the accept type asked for', async () => {
    const response = await postJson(endpoint('/ok'), { a: 1 }, EVENT_STREAM_MEDIA_TYPE);
    expect(await response.json()).toEqual({ ok: true });
    const sent = server.requests.at(-1);
    expect(sent?.json()).toEqual({ a: 1 });
    expect(sent?.headers).toMatchObject({
      'x-team': 'ml',
      authorization: 'Bearer sk-request-test',
      'content-type': JSON_MEDIA_TYPE,
      accept: EVENT_STREAM_MEDIA_TYPE,
    });
  });

  it('sends no accept when none is asked for, and bytes with their media type', async () => {
    await postBytes(endpoint('/ok'), new Uint8Array([1, 2, 3]), 'image/png', undefined);
    const sent = server.requests.at(-1);
    expect(sent?.headers['content-type']).toBe('image/png');
    expect(sent?.headers.accept).toBeUndefined();
    expect([...(sent?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('GETs JSON without a content type', async () => {
    expect(await (await getJson(endpoint('/ok'))).json()).toEqual({ listed: true });
    const sent = server.requests.at(-1);
    expect(sent?.method).toBe('GET');
    expect(sent?.headers['content-type']).toBeUndefined();
    expect(sent?.headers.accept).toBe(JSON_MEDIA_TYPE);
  });

  it('any answer but 2xx becomes the endpoint’s error', async () => {
    await expect(postJson(endpoint('/refused'), {}, JSON_MEDIA_TYPE)).rejects.toMatchObject({
      code: 'provider_rate_limited',
      message: 'fake: {"error":"slow down"}',
    });
  });

  it('sends the fallback body once when the upstream refuses the first with 400 or 422', async () => {
    const before = server.requests.length;
    const response = await postJson(endpoint('/strict'), { a: 1, extra: true }, JSON_MEDIA_TYPE, {
      fallback: { a: 1 },
    });
    expect(await response.json()).toEqual({ sent: { a: 1 } });
    expect(server.requests.slice(before).map((sent) => sent.json())).toEqual([{ a: 1, extra: true }, { a: 1 }]);
    expect(server.requests.at(-1)?.headers).toMatchObject({ authorization: 'Bearer sk-request-test' });
  });

  it('a refused fallback, or any other status, is the endpoint’s error without a further request', async () => {
    const before = server.requests.length;
    await expect(postJson(endpoint('/bad'), { a: 1 }, JSON_MEDIA_TYPE, { fallback: {} })).rejects.toMatchObject({
      message: 'fake: {"error":"bad"}',
    });
    expect(server.requests.length - before).toBe(2);
    await expect(postJson(endpoint('/refused'), { a: 1 }, JSON_MEDIA_TYPE, { fallback: {} })).rejects.toMatchObject({
      code: 'provider_rate_limited',
    });
    expect(server.requests.length - before).toBe(3);
  });
});
