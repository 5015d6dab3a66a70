import { getTask, taskIds } from '@infermux/core';
import { z } from 'zod';
import type { Endpoint } from '../gateway-services';
import { sendBody } from '../http/respond';
import { unsupportedOf } from './unsupported-endpoint';

function taskSchema(task: string): unknown {
  try {
    return z.toJSONSchema(getTask(task).input, { unrepresentable: 'any', io: 'input' });
  } catch {
    return { type: 'object' };
  }
}

const errorSchema = {
  type: 'object',
  description:
    'Errors follow the wire format of the endpoint: OpenAI `{error:{message,type,param,code}}`, HF `{error}`, native `{error:{code,message,status,retryable,…}}`.',
};

/** OpenAPI 3.1 document built from the endpoint table (and the task registry for /v1/tasks/{task}). */
export function buildOpenApi(endpoints: readonly Endpoint[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of endpoints) {
    const path = endpoint.path.replace('{model+}', '{model}');
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const operation: Record<string, unknown> = {
      summary: endpoint.summary,
      tags: [
        endpoint.format === 'hf'
          ? 'Hugging Face'
          : endpoint.format === 'openai'
            ? 'OpenAI'
            : endpoint.auth === 'admin'
              ? 'Admin'
              : 'infermux',
      ],
      parameters,
      security: endpoint.auth === 'none' ? [] : [{ bearer: [] }],
      responses: {
        '200': { description: 'Success' },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    };
    const unsupported = unsupportedOf(endpoint);
    if (unsupported) {
      // Listed so clients and readers see the gap, with the answer they will get instead of a success.
      operation.responses = {
        '405': {
          description: `Not supported by this gateway: ${unsupported.reason}`,
          headers: {
            Allow: {
              description: 'Methods that work on this path.',
              schema: { type: 'string', example: unsupported.allow.join(', ') },
            },
          },
          content: { 'application/json': { schema: errorSchema } },
        },
      };
      operation['x-infermux-unsupported'] = true;
    }
    if (endpoint.path === '/v1/tasks/{task}') {
      operation.requestBody = {
        content: {
          'application/json': {
            schema: {
              oneOf: taskIds.map((task) => ({
                title: task,
                type: 'object',
                required: ['model', 'input'],
                properties: { model: { type: 'string' }, input: taskSchema(task), stream: { type: 'boolean' } },
              })),
            },
          },
        },
      };
    }
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'infermux gateway',
      version: '0.1.0',
      description: 'Hugging Face and OpenAI wire formats over infermux routing, keys, limits and a usage ledger.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A gateway key (imx_…) or, for /admin, the admin token.',
        },
      },
    },
    paths,
  };
}

export function openApiEndpoint(document: () => string): Endpoint {
  return {
    method: 'GET',
    path: '/openapi.json',
    format: 'native',
    auth: 'none',
    summary: 'This API as OpenAPI 3.1.',
    handle(context) {
      sendBody(context, 200, document(), 'application/json');
    },
  };
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] as string);

/** A self-contained docs page (no CDN: gateways often run without internet access). */
export function docsEndpoint(endpoints: readonly Endpoint[]): Endpoint {
  const rows = endpoints
    .map(
      (endpoint) =>
        `<tr><td><code>${endpoint.method}</code></td><td><code>${escapeHtml(endpoint.path)}</code></td><td>${endpoint.auth}</td><td>${escapeHtml(endpoint.summary)}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>infermux gateway</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}code{font-size:.9em}</style>
</head><body><h1>infermux gateway</h1>
<p>OpenAI clients: <code>baseURL = "&lt;this server&gt;/v1"</code>. Hugging Face clients: <code>endpointUrl = "&lt;this server&gt;/models/&lt;org&gt;/&lt;name&gt;?task=&lt;task&gt;"</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<table><tr><th>Method</th><th>Path</th><th>Auth</th><th>What</th></tr>
${rows}
</table></body></html>`;
  return {
    method: 'GET',
    path: '/docs',
    format: 'native',
    auth: 'none',
    summary: 'This page.',
    handle(context) {
      sendBody(context, 200, html, 'text/html; charset=utf-8');
    },
  };
}
