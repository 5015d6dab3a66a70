import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call } from '../test-support/gateway-requests';

let fixture: GatewayFixture;
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  fixture = await startGatewayFixture({}, {}, { cache: { enabled: true } });
});
afterAll(() => fixture?.close());

/** The JSON payloads of an SSE body's `data:` frames (without `[DONE]`). */
function frames<Frame>(text: string): Frame[] {
  return text
    .split('\n\n')
    .map((frame) => frame.replace(/^data: ?/, ''))
    .filter((data) => data && data !== '[DONE]')
    .map((data) => JSON.parse(data));
}

describe('native task envelope, jobs, and the TGI stream', () => {
  it('POST /v1/tasks/{task} with stream: core stream parts as SSE, then [DONE]', async () => {
    const reply = await call(`${fixture.gateway.url}/v1/tasks/chat-completion`, {
      headers: json,
      body: JSON.stringify({
        model: 'openai:gpt-4o-mini',
        input: { messages: [{ role: 'user', content: 'native stream' }] },
        stream: true,
      }),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/event-stream');
    const parts = frames<{ type: string; text?: string }>(reply.text);
    expect(
      parts
        .filter((part) => part.type === 'text-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('You said: native stream');
    expect(parts.some((part) => part.type === 'finish')).toBe(true);
    expect(reply.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('async jobs: submit → 202 with a gateway job id, poll until it succeeds', async () => {
    const submitted = await call(`${fixture.gateway.url}/v1/tasks/image-generation/jobs`, {
      headers: json,
      body: JSON.stringify({ model: 'evolink:gpt-4o-image', input: { prompt: 'a lighthouse at dawn' } }),
    });
    expect(submitted.status).toBe(202);
    const job = submitted.json();
    expect(job).toMatchObject({ id: expect.stringMatching(/^job_/), provider: 'evolink', task: 'image-generation' });
    let status = job;
    for (let polls = 0; polls < 10 && status.state !== 'succeeded' && status.state !== 'failed'; polls++) {
      status = (await call(`${fixture.gateway.url}/v1/jobs/${job.id}`, { method: 'GET' })).json();
    }
    expect(status.state).toBe('succeeded');
    expect(status.output.images[0].url).toMatch(/^http/);
    const unknown = await call(`${fixture.gateway.url}/v1/jobs/job_nonsense`, { method: 'GET' });
    expect(unknown.status).toBe(404);
  });

  it('x-use-cache: false bypasses the response cache that answers a repeated deterministic request', async () => {
    const url = `${fixture.gateway.url}/models/hf:distilbert/distilbert-base-uncased-finetuned-sst-2-english?task=text-classification`;
    const upstreamCalls = () =>
      fixture.hf.server.requests.filter((request) => request.path.startsWith('/hf-inference/models/distilbert/'))
        .length;
    const before = upstreamCalls();
    const body = JSON.stringify({ inputs: 'cache me' });
    const first = await call(url, { headers: json, body });
    const second = await call(url, { headers: json, body });
    expect(second.text).toBe(first.text);
    expect(upstreamCalls()).toBe(before + 1);
    const fresh = await call(url, { headers: { ...json, 'x-use-cache': 'false' }, body });
    expect(fresh.status).toBe(200);
    expect(upstreamCalls()).toBe(before + 2);
    expect(fixture.hf.server.requests.at(-1)?.headers['x-use-cache']).toBe('false');
    const metrics = (await call(`${fixture.gateway.url}/metrics`, { method: 'GET' })).text;
    expect(metrics).toMatch(/infermux_cache_hits_total\{task="text-classification"\} 1/);
  });

  it('HF text-generation with stream: true answers TGI-style events ending with the whole text', async () => {
    const reply = await call(`${fixture.gateway.url}/models/hf:openai-community/gpt2?task=text-generation`, {
      headers: json,
      body: JSON.stringify({ inputs: 'The answer is', parameters: { max_new_tokens: 8 }, stream: true }),
    });
    expect(reply.status).toBe(200);
    const events = frames<{
      generated_text: string | null;
      token: { text: string };
      details: { finish_reason: string };
    }>(reply.text);
    const tokens = events.filter((event) => event.generated_text === null);
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens[0]).toMatchObject({ index: 1, token: { text: expect.any(String), special: false } });
    const last = events.at(-1)!;
    expect(last.generated_text).toBe(tokens.map((event) => event.token.text).join(''));
    expect(last.details.finish_reason).toMatch(/^(length|eos_token|stop_sequence)$/);
    expect(reply.text).not.toContain('[DONE]');
  });
});
