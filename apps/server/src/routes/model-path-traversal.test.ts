import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, { defaults: { provider: 'hf' } });
});
afterAll(() => fixture?.close());

/** A raw request: the path goes out exactly as written (fetch would normalise `..`). */
function raw(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: fixture.gateway.port,
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const attempts = [
  '/models/%2e%2e/whoami-v2',
  '/models/%2E%2E/whoami-v2?task=text-classification',
  '/models/..%2F..?task=text-classification',
  '/models/../..?task=text-classification',
  '/models/org/..?task=text-classification',
  '/models/./whoami-v2?task=text-classification',
  '/models/org%5Cname?task=text-classification',
  '/models/org/%00name?task=text-classification',
  '/models/org/%ED%A0%80?task=text-classification',
  '/hf-inference/models/%2e%2e/%2e%2e/api/whoami-v2?task=text-classification',
  '/models/../../api/whoami-v2/v1/chat/completions',
  `/models/org/${'a'.repeat(600)}?task=text-classification`,
];

describe('model references in paths and bodies are identifiers', () => {
  it.each(attempts)('%s → 400 naming the model, and nothing reaches the upstream or the Hub', async (path) => {
    const before = fixture.hf.server.requests.length;
    const reply = await raw(
      path,
      JSON.stringify({ inputs: 'hi', model: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect([400, 404]).toContain(reply.status);
    expect(reply.text).not.toMatch(/127\.0\.0\.1/);
    expect(fixture.hf.server.requests.length).toBe(before);
  });

  it.each(['../whoami-v2', 'hf:../..', 'org/..', 'a/b/../c', 'org/\ud800', 'org%2F..'])(
    'chat with model %j → 400 param model, no upstream call',
    async (model) => {
      const before = fixture.hf.server.requests.length;
      const reply = await raw(
        '/v1/chat/completions',
        JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.text).error.param).toBe('model');
      expect(fixture.hf.server.requests.length).toBe(before);
    },
  );

  it('every path the upstream and Hub ever received stays inside a model path', async () => {
    const model = 'distilbert/distilbert-base-uncased-finetuned-sst-2-english';
    expect((await raw(`/models/${model}?task=text-classification`, JSON.stringify({ inputs: 'hi' }))).status).toBe(200);
    expect(fixture.hf.server.requests.length).toBeGreaterThan(0);
    for (const recorded of fixture.hf.server.requests) {
      expect(recorded.path).toMatch(/^\/(hf-inference\/models|api\/models)\/[^/.][^/]*(\/[^/.][^/]*)?(\/|\?|$)/);
    }
  });
});
