import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { bearer, call, chatBody, createKey } from '../test-support/gateway-requests';

const APP = 'https://app.example.com';

/** A raw OPTIONS over a real socket, as a browser sends it (no body, no credentials). */
function options(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'OPTIONS', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

const preflightFrom = (origin: string, method = 'POST') => ({
  origin,
  'access-control-request-method': method,
  'access-control-request-headers': 'authorization, content-type, x-stainless-os',
});

/** Requests the ledger holds, all keys together (read with the admin token). */
async function ledgerRequests(url: string): Promise<number> {
  const reply = await call(`${url}/v1/usage?by=model`, { method: 'GET', headers: bearer(ADMIN_TOKEN) });
  return (reply.json().data as Array<{ requests: number }>).reduce((sum, row) => sum + row.requests, 0);
}

describe('CORS', () => {
  let fixture: GatewayFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('answers an allowed preflight with 204 before authentication, writes no ledger row, and marks every actual response', async () => {
    fixture = await startGatewayFixture({ cors: { origins: [APP, 'http://localhost:5173'], maxAgeSeconds: 900 } });
    const url = fixture.gateway.url;
    const { key } = await createKey(url, { name: 'browser-app' });

    const preflight = await options(`${url}/v1/chat/completions`, preflightFrom(APP));
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(APP);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type, x-stainless-os');
    expect(preflight.headers['access-control-max-age']).toBe('900');
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    expect(preflight.headers.vary).toContain('origin');
    expect(preflight.headers.allow).toBe('POST');
    // A path with a parameter, and a path served by several methods.
    const jobs = await options(`${url}/v1/jobs/job_1`, preflightFrom(APP, 'DELETE'));
    expect(jobs.status).toBe(204);
    expect(jobs.headers['access-control-allow-methods']).toBe('GET, DELETE');

    // Actual responses: a success, a streamed one and an error all carry the origin and the exposed headers.
    const answer = await call(`${url}/v1/chat/completions`, {
      headers: bearer(key, { origin: APP }),
      body: chatBody(),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(answer.headers.get('vary')).toContain('origin');
    const stream = await call(`${url}/v1/chat/completions`, {
      headers: bearer(key, { origin: APP }),
      body: chatBody('openai:gpt-4o-mini', 'hello', { stream: true }),
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.headers.get('access-control-allow-origin')).toBe(APP);
    const refused = await call(`${url}/v1/chat/completions`, {
      headers: { origin: APP, 'content-type': 'application/json' },
      body: chatBody(),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);

    // Three API calls, three rows: the preflights are not among them.
    expect(await ledgerRequests(url)).toBe(3);
  });

  it('gives an origin that is not listed no CORS headers (the browser refuses), on preflights and responses', async () => {
    fixture = await startGatewayFixture({ cors: { origins: [APP] } });
    const url = fixture.gateway.url;
    const preflight = await options(`${url}/v1/chat/completions`, preflightFrom('https://evil.example'));
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    expect(preflight.headers.vary).toContain('origin');
    const answer = await call(`${url}/v1/models`, { method: 'GET', headers: { origin: 'https://evil.example' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toContain('origin');
    // `https://app.example.com.evil.example` is another origin, not a sub-path of the allowed one.
    const lookalike = await options(`${url}/v1/models`, preflightFrom(`${APP}.evil.example`, 'GET'));
    expect(lookalike.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('is off by default: a preflight gets Allow and no CORS headers', async () => {
    fixture = await startGatewayFixture();
    const url = fixture.gateway.url;
    const preflight = await options(`${url}/v1/embeddings`, preflightFrom(APP));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.allow).toBe('POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const answer = await call(`${url}/v1/models`, { method: 'GET', headers: { origin: APP } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toBeNull();
  });

  it('answers "*" with a literal * and a configured header list instead of the requested one', async () => {
    fixture = await startGatewayFixture({ cors: { origins: '*', allowedHeaders: ['authorization', 'content-type'] } });
    const url = fixture.gateway.url;
    const preflight = await options(`${url}/v1/chat/completions`, preflightFrom('https://any.example'));
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type');
    expect(preflight.headers['access-control-max-age']).toBe('600');
  });

  it('reflects the origin with credentials on, and never echoes a malformed header list', async () => {
    fixture = await startGatewayFixture({ cors: { origins: [APP], credentials: true } });
    const url = fixture.gateway.url;
    const preflight = await options(`${url}/v1/chat/completions`, {
      ...preflightFrom(APP),
      'access-control-request-headers': 'content-type, bad header',
    });
    expect(preflight.headers['access-control-allow-origin']).toBe(APP);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('answers OPTIONS on an unknown path with 404', async () => {
    fixture = await startGatewayFixture({ cors: { origins: [APP] } });
    const reply = await options(`${fixture.gateway.url}/v1/nothing-here`, preflightFrom(APP));
    expect(reply.status).toBe(404);
  });
});

describe('405 Allow', () => {
  let fixture: GatewayFixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it('lists the methods that work on the path (RFC 9110)', async () => {
    fixture = await startGatewayFixture();
    const url = fixture.gateway.url;
    const put = await call(`${url}/v1/chat/completions`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('POST');
    const postJob = await call(`${url}/v1/jobs/job_1`, { method: 'POST', body: '{}' });
    expect(postJob.status).toBe(405);
    expect(postJob.headers.get('allow')).toBe('GET, DELETE');
    const deleteModels = await call(`${url}/v1/models`, { method: 'DELETE' });
    expect(deleteModels.status).toBe(405);
    expect(deleteModels.headers.get('allow')).toBe('GET');
    // An endpoint that only explains a refusal (GET /v1/videos) is not listed as working.
    const putVideos = await call(`${url}/v1/videos`, { method: 'PUT', body: '{}' });
    expect(putVideos.status).toBe(405);
    expect(putVideos.headers.get('allow')).toBe('POST');
  });
});
