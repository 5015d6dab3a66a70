import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../test-support/gateway-requests';
import { type HfEvolinkGateway, startHfEvolinkGateway } from '../test-support/hf-evolink-gateway';

let setup: HfEvolinkGateway;
const json = { 'content-type': 'application/json' };

// The fake's default script: a prompt with `[fail:<code>]` fails after two polls, others succeed after three.
beforeAll(async () => {
  setup = await startHfEvolinkGateway();
});
afterAll(() => setup?.close());

async function pollTask(id: string): Promise<Record<string, unknown>> {
  for (let polls = 0; polls < 20; polls++) {
    const reply = await call(`${setup.gateway.url}/evolink/v1/tasks/${id}`, { method: 'GET' });
    expect(reply.status).toBe(200);
    const task = reply.json();
    if (task.status === 'completed' || task.status === 'failed') return task;
  }
  throw new Error(`task ${id} did not end`);
}

describe("EvoLink's wire under /evolink (wire/evolink §3, §4)", () => {
  it('a failed video task: pending, then failed with the upstream code and message; one submission', async () => {
    const created = await call(`${setup.gateway.url}/evolink/v1/videos/generations`, {
      headers: json,
      body: JSON.stringify({ model: 'sora-2', prompt: 'a cat [fail:content_policy_violation]', duration: 8 }),
    });
    expect(created.status).toBe(200);
    expect(created.json()).toMatchObject({ object: 'video.generation.task', status: 'pending', progress: 0 });
    const done = await pollTask(created.json().id);
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: expect.any(String), message: expect.stringContaining('content_policy_violation') },
    });
    expect(done.results).toBeUndefined();
    expect(setup.evolink.count('POST', '/v1/videos/generations')).toBe(1);
  });

  it("errors in EvoLink's (OpenAI-shaped) body: a field the task does not take, callback_url, a bad id", async () => {
    const unknownField = await call(`${setup.gateway.url}/evolink/v1/images/generations`, {
      headers: json,
      body: JSON.stringify({ model: 'doubao-seedream-4.0', prompt: 'x', colour: 'red' }),
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.json().error.message).toMatch(/colour/);
    const callback = await call(`${setup.gateway.url}/evolink/v1/images/generations`, {
      headers: json,
      body: JSON.stringify({ model: 'doubao-seedream-4.0', prompt: 'x', callback_url: 'https://example.com/hook' }),
    });
    expect(callback.status).toBe(400);
    expect(callback.json().error).toMatchObject({ param: 'callback_url', code: 'caller_unsupported' });
    const badId = await call(`${setup.gateway.url}/evolink/v1/tasks/task-unified-1757165031-seedream4d`, {
      method: 'GET',
    });
    expect(badId.status).toBe(404);
    expect(badId.json().error.type).toBe('not_found_error');
    expect(setup.evolink.count('POST', '/v1/images/generations')).toBe(0);
  });

  it("the root's /v1/videos/generations says where each wire lives; EvoLink's chat is served under /evolink too", async () => {
    const root = await call(`${setup.gateway.url}/v1/videos/generations`, {
      headers: json,
      body: JSON.stringify({ model: 'sora-2', prompt: 'x' }),
    });
    expect(root.status).toBe(404);
    expect(root.json().error.message).toMatch(/\/evolink base URL.*POST \/v1\/videos/);
    const chat = await call(`${setup.gateway.url}/evolink/v1/chat/completions`, {
      headers: json,
      body: JSON.stringify({ model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    expect(chat.json().object).toBe('chat.completion');
  });
});
