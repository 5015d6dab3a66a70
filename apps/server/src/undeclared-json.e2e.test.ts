import { TINY_PNG } from '@infermux/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';
import { call } from './test-support/gateway-requests';

// JSON sent as `text/plain` (what `fetch(url, { method: 'POST', body: JSON.stringify(data) })` sends) or with no
// content type at all (`requests.post(url, data=json.dumps(data))`): HF's API parses the body whatever its type
// (wire/hf §2.3), so every JSON task route of the gateway reads it as JSON.
let fixture: GatewayFixture;
let base: string;

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, { defaults: { provider: 'hf' } });
  base = fixture.gateway.url;
});
afterAll(() => fixture?.close());

const hubCalls = () => fixture.hf.server.requests.filter((request) => request.path.startsWith('/api/models/'));

/** Sends `body` as a string with the given content type (undefined: none at all, as undici sends a Uint8Array). */
function send(path: string, body: unknown, type: string | undefined) {
  const text = JSON.stringify(body);
  return call(`${base}${path}`, {
    headers: type === undefined ? {} : { 'content-type': type },
    body: type === undefined ? new TextEncoder().encode(text) : text,
  });
}

const routes: Array<{
  route: string;
  path: string;
  body: Record<string, unknown>;
  status?: number;
  check: (json: never) => void;
}> = [
  {
    route: 'OpenAI chat',
    path: '/v1/chat/completions',
    body: { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    check: (json: { choices: unknown[] }) => expect(json.choices).toHaveLength(1),
  },
  {
    route: 'OpenAI embeddings',
    path: '/v1/embeddings',
    body: { model: 'openai:text-embedding-3-small', input: 'hi' },
    check: (json: { data: unknown[] }) => expect(json.data).toHaveLength(1),
  },
  {
    route: 'OpenAI completions',
    path: '/v1/completions',
    body: { model: 'openai:gpt-3.5-turbo-instruct', prompt: 'Say hi' },
    check: (json: { object: string }) => expect(json.object).toBe('text_completion'),
  },
  {
    route: 'OpenAI images',
    path: '/v1/images/generations',
    body: { model: 'evolink:doubao-seedream-4.0', prompt: 'a lighthouse', response_format: 'url' },
    check: (json: { data: Array<{ url: string }> }) => expect(json.data[0]?.url).toMatch(/^http/),
  },
  {
    route: 'OpenAI videos',
    path: '/v1/videos',
    body: { model: 'evolink:sora-2', prompt: 'waves' },
    check: (json: { object: string }) => expect(json.object).toBe('video'),
  },
  {
    route: 'native task',
    path: '/v1/tasks/text-classification',
    body: { model: 'hf:distilbert/distilbert-base-uncased-finetuned-sst-2-english', input: { inputs: 'great' } },
    check: (json: { task: string }) => expect(json.task).toBe('text-classification'),
  },
  {
    route: 'native job',
    path: '/v1/tasks/video-generation/jobs',
    body: { model: 'evolink:sora-2', input: { prompt: 'waves' } },
    status: 202,
    check: (json: { id: string }) => expect(json.id).toMatch(/^job_/),
  },
  {
    route: 'HF, task from the Hub',
    path: '/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english',
    body: { inputs: 'I love this' },
    check: (json: unknown[][]) => expect(json[0]?.[0]).toMatchObject({ label: expect.any(String) }),
  },
  {
    route: 'HF router chat',
    path: '/models/meta-llama/Llama-3.1-8B-Instruct/v1/chat/completions',
    body: { messages: [{ role: 'user', content: 'hi' }] },
    check: (json: { object: string }) => expect(json.object).toBe('chat.completion'),
  },
];

describe('JSON sent as text/plain or untyped is read as JSON on every JSON task route', () => {
  for (const type of ['text/plain;charset=UTF-8', undefined]) {
    for (const { route, path, body, status = 200, check } of routes) {
      it(`${route}, ${type ?? 'no content type'}`, async () => {
        const reply = await send(path, body, type);
        expect({ status: reply.status, text: reply.text.slice(0, 300) }).toMatchObject({ status });
        check(reply.json() as never);
      });
    }
  }

  it('an untyped body that is not JSON goes to an image task as its bytes (requests.post(url, data=f.read()))', async () => {
    const reply = await call(`${base}/models/google/vit-base-patch16-224`, { body: TINY_PNG });
    expect(reply.status).toBe(200);
    expect(reply.json()[0]).toMatchObject({ label: expect.any(String), score: expect.any(Number) });
    const upstream = fixture.hf.server.requests.at(-1)!;
    expect(upstream.path).toBe('/hf-inference/models/google/vit-base-patch16-224');
    expect(Buffer.from(upstream.body).equals(Buffer.from(TINY_PNG))).toBe(true);
  });

  it('the body is checked before the Hub is asked for the task: broken JSON, no `inputs`, other content types', async () => {
    const before = hubCalls().length;
    const model = `${base}/models/acme/never-looked-up`;
    const broken = await call(model, { headers: { 'content-type': 'text/plain' }, body: '{"inputs": "x"' });
    expect(broken.status).toBe(400);
    expect(broken.json().error).toMatch(/^The request body is not valid JSON/);
    const noInputs = await call(model, { headers: { 'content-type': 'text/plain' }, body: '{"input": "x"}' });
    expect(noInputs.status).toBe(400);
    expect(noInputs.json().error).toMatch(/^inputs: expected the HF request body/);
    const form = await call(model, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'inputs=x',
    });
    expect(form.status).toBe(415);
    const notJson = await call(`${base}/v1/chat/completions`, {
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(notJson.status).toBe(400);
    expect(notJson.json().error.param).toBe('body');
    expect(hubCalls().length).toBe(before);
  });

  it("a web page's text/plain POST without Authorization is refused: a browser sends it without a CORS preflight", async () => {
    const before = fixture.openai.server.requests.length;
    const chat = JSON.stringify({ model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'spend' }] });
    const page = await call(`${base}/v1/chat/completions`, {
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: chat,
    });
    expect(page.status).toBe(415);
    expect(page.json().error).toMatchObject({ param: 'content-type' });
    const hf = await call(`${base}/models/distilbert/distilbert-base-uncased-finetuned-sst-2-english`, {
      headers: { origin: 'https://evil.example' },
      body: '{"inputs": "spend"}',
    });
    expect(hf.status).toBe(415);
    expect(fixture.openai.server.requests.length).toBe(before);
    // Declared JSON (preflighted by the browser) and a caller with its own Authorization are served.
    const declared = await call(`${base}/v1/chat/completions`, {
      headers: { 'content-type': 'application/json', origin: 'https://app.example' },
      body: chat,
    });
    expect(declared.status).toBe(200);
    const withToken = await call(`${base}/v1/chat/completions`, {
      headers: { 'content-type': 'text/plain', origin: 'https://app.example', authorization: 'Bearer imx_none' },
      body: chat,
    });
    expect(withToken.status).not.toBe(415);
  });
});
