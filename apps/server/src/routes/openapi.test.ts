import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { taskIds } from '@infermux/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGatewayFixture } from '../test-support/gateway-fixture';
import { call, createKey } from '../test-support/gateway-requests';

interface Operation {
  operationId: string;
  security: Array<Record<string, string[]>>;
  requestBody?: { content: Record<string, { schema?: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type Document = {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; anyOf?: unknown[] }> };
};

const serverDirectory = fileURLToPath(new URL('../..', import.meta.url));
const redocly = join(serverDirectory, '../../node_modules/.bin/redocly');

let fixture: GatewayFixture;
let document: Document;
let operations: Array<{ path: string; method: string; operation: Operation }>;

beforeAll(async () => {
  fixture = await startGatewayFixture();
  document = (await call(`${fixture.gateway.url}/openapi.json`, { method: 'GET' })).json();
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
});
afterAll(() => fixture?.close());

const schemaName = (reference: string | undefined) => reference?.replace('#/components/schemas/', '') ?? '';

describe('/openapi.json', () => {
  it('has a unique operationId on every operation, and servers', () => {
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.every((id) => /^[a-zA-Z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['createChatCompletion', 'createModelChatCompletion', 'runTask', 'getUsage', 'createKey']),
    );
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('describes request and response bodies from the task registry and the wire schemas', () => {
    const schemas = document.components.schemas;
    const body = (path: string, method = 'post') =>
      schemaName(document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema?.$ref);
    const answer = (path: string, method = 'post', status = '200') =>
      schemaName(document.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema?.$ref);
    expect(body('/v1/chat/completions')).toBe('OpenaiChatRequest');
    expect(schemas.OpenaiChatRequest?.properties).toHaveProperty('messages');
    expect(schemas.OpenaiChatRequest?.properties).toHaveProperty('model');
    expect(answer('/v1/chat/completions')).toBe('OpenaiChatResponse');
    expect(schemas.OpenaiChatResponse?.properties).toHaveProperty('choices');
    for (const path of ['/v1/completions', '/v1/embeddings', '/v1/images/generations', '/v1/videos', '/admin/keys']) {
      expect(body(path), path).not.toBe('');
      expect(schemas[body(path)], path).toBeDefined();
    }
    for (const [path, method, status] of [
      ['/v1/models', 'get', '200'],
      ['/v1/usage', 'get', '200'],
      ['/v1/tasks/{task}/jobs', 'post', '202'],
      ['/admin/keys', 'post', '201'],
      ['/healthz', 'get', '200'],
    ] as const) {
      expect(schemas[answer(path, method, status)], path).toBeDefined();
    }
    // Every task's input is one component, referenced by the HF and native bodies (tasks that share an output
    // schema, such as the classifications, share its component).
    for (const task of taskIds) {
      const name = task.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase());
      expect(schemas[`${name}Input`], task).toBeDefined();
    }
    const hfVariants = schemas[body('/models/{model}')]?.anyOf as Array<{ $ref: string }>;
    expect(hfVariants).toHaveLength(taskIds.length);
    expect(hfVariants.every((variant) => schemas[schemaName(variant.$ref)] !== undefined)).toBe(true);
    const answers = schemas[answer('/models/{model}')]?.anyOf as Array<{ $ref: string }>;
    expect(answers).toHaveLength(taskIds.length);
    expect(answers.every((variant) => schemas[schemaName(variant.$ref)] !== undefined)).toBe(true);
    expect(schemas[answer('/v1/tasks/{task}')]?.anyOf).toHaveLength(taskIds.length);
  });

  it("states each operation's auth as the gateway enforces it", async () => {
    await createKey(fixture.gateway.url, { name: 'docs-auth-check' }); // with no key at all the gateway is open
    expect(document.paths['/v1/usage']?.get?.security).toEqual([{ gatewayKey: [] }, { adminToken: [] }]);
    for (const { path, method, operation } of operations) {
      const url = `${fixture.gateway.url}${path.replace('{model}', 'org/name').replace(/\{\w+\}/g, 'x')}`;
      const reply = await call(url, { method: method.toUpperCase() });
      if (operation.security.length === 0) expect(reply.status, `${method} ${path}`).not.toBe(401);
      else expect(reply.status, `${method} ${path}`).toBe(401);
    }
  });

  it('passes `redocly lint` with no errors', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'infermux-openapi-'));
    try {
      const file = join(directory, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const { stdout } = await promisify(execFile)(
        redocly,
        ['lint', file, '--config', join(serverDirectory, 'redocly.yaml'), '--format=json'],
        // No telemetry or update check: the test runs offline.
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
      };
      const summary = report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
      expect(report.totals.errors, summary.join('\n')).toBe(0);
      // The only warnings: the three OpenAI video routes the gateway refuses by design answer 405 alone.
      expect(summary).toEqual([
        'operation-2xx-response #/paths/~1v1~1videos/get/responses',
        'operation-2xx-response #/paths/~1v1~1videos~1{id}/delete/responses',
        'operation-2xx-response #/paths/~1v1~1videos~1{id}~1remix/post/responses',
      ]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
