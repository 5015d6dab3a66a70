import { getTask, taskIds } from '@infermux/core';
import { z } from 'zod';
import type { Endpoint } from '../gateway-services';
import { sendBody } from '../http/respond';
import * as apiSchemas from './api-schemas';
import { type OperationDocument, operationDocuments } from './operation-documents';
import { unsupportedOf } from './unsupported-endpoint';

type JsonObject = Record<string, unknown>;

const pascalCase = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** Who may call an endpoint, from the same `auth` the gateway enforces. */
const securityOf: Record<Endpoint['auth'], JsonObject[]> = {
  none: [],
  key: [{ gatewayKey: [] }],
  admin: [{ adminToken: [] }],
  'key-or-admin': [{ gatewayKey: [] }, { adminToken: [] }],
};

const tagOf = (endpoint: Endpoint) =>
  endpoint.format === 'hf'
    ? 'Hugging Face'
    : endpoint.format === 'openai'
      ? 'OpenAI'
      : endpoint.auth === 'admin'
        ? 'Admin'
        : endpoint.auth === 'none'
          ? 'Operations'
          : 'infermux';

const tags = [
  { name: 'OpenAI', description: 'OpenAI wire format: point an OpenAI client at `<this server>/v1`.' },
  {
    name: 'Hugging Face',
    description:
      'Hugging Face wire format: `endpointUrl = <this server>/models/<org>/<name>`, or the HF router paths under it.',
  },
  { name: 'infermux', description: 'Native API: any task with the core request and result envelopes; usage.' },
  { name: 'Admin', description: 'Gateway keys, with the admin token.' },
  { name: 'Operations', description: 'Health, readiness, metrics and these docs; no auth.' },
];

/**
 * The component schemas: every zod schema the operations name, plus each task's input and output, in two
 * registries because a request is described as it is sent (`io: 'input'`, defaults optional) and a response
 * as it is received. A task schema nested in a wire schema becomes a `$ref` to its component.
 */
function componentSchemas(): { schemas: JsonObject; ref: (schema: z.ZodType) => JsonObject } {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  const add = (registry: typeof requests, schema: z.ZodType, id: string) => {
    if (!registry.has(schema)) registry.add(schema, { id });
  };
  for (const task of taskIds) {
    add(requests, getTask(task).input, `${pascalCase(task)}Input`);
    add(responses, getTask(task).output, `${pascalCase(task)}Output`);
  }
  const used = (document: OperationDocument): OperationDocument[] => [
    document,
    ...Object.values(document.subPaths ?? {}).flatMap(used),
  ];
  const documents = Object.values(operationDocuments).flatMap(used);
  for (const [name, schema] of Object.entries(apiSchemas)) {
    const id = pascalCase(name);
    if (documents.some((document) => document.request?.schema === schema)) add(requests, schema, id);
    if (documents.some((document) => document.response?.schema === schema) || schema === apiSchemas.errorResponse)
      add(responses, schema, id);
  }
  const uri = (id: string) => `#/components/schemas/${id}`;
  const options = { uri, unrepresentable: 'any', target: 'draft-2020-12', override: jsonOnly } as const;
  const generated = {
    ...z.toJSONSchema(requests, { ...options, io: 'input' }).schemas,
    ...z.toJSONSchema(responses, { ...options, io: 'output' }).schemas,
  };
  const schemas: JsonObject = {};
  for (const [id, { $schema: _schema, $id: _id, ...schema }] of Object.entries(generated)) schemas[id] = schema;
  return {
    schemas,
    ref(schema) {
      const id = (requests.get(schema) ?? responses.get(schema))?.id;
      if (id === undefined) throw new Error('A schema named by an operation document is not registered.');
      return { $ref: uri(id) };
    },
  };
}

/**
 * Binary task inputs also take bytes and Blobs (zod custom types, unrepresentable in JSON Schema); in a JSON
 * body they can only be strings (base64, a data: URL or an http(s) URL), so only those branches are listed.
 */
function jsonOnly(context: { zodSchema: unknown; jsonSchema: JsonObject }): void {
  const branches = context.jsonSchema.anyOf;
  if (!Array.isArray(branches)) return;
  const representable = branches.filter((branch) => Object.keys(branch as JsonObject).length > 0);
  if (representable.length === branches.length) return;
  delete context.jsonSchema.anyOf;
  if (representable.length === 1) Object.assign(context.jsonSchema, representable[0]);
  else context.jsonSchema.anyOf = representable;
}

const errorResponse = { $ref: '#/components/responses/Error' };

function operationOf(
  endpoint: Endpoint,
  document: OperationDocument,
  parameters: JsonObject[],
  ref: (schema: z.ZodType) => JsonObject,
): JsonObject {
  const operation: JsonObject = {
    operationId: document.operationId,
    summary: document.summary,
    description: endpoint.summary,
    tags: [tagOf(endpoint)],
    security: securityOf[endpoint.auth],
  };
  const query = Object.entries(document.query ?? {}).map(([name, { schema, description }]) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema: z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }),
  }));
  if (parameters.length + query.length > 0) operation.parameters = [...parameters, ...query];
  if (document.request) {
    const types = document.request.contentTypes ?? ['application/json'];
    operation.requestBody = {
      required: true,
      content: Object.fromEntries(
        types.map((type) => [
          type,
          type === 'application/json' || type === 'multipart/form-data'
            ? { schema: ref(document.request?.schema as z.ZodType) }
            : { schema: { type: 'string', contentMediaType: type } },
        ]),
      ),
    };
  }
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
        content: { 'application/json': { schema: ref(apiSchemas.errorResponse) } },
      },
    };
    operation['x-infermux-unsupported'] = true;
    return operation;
  }
  const response = document.response ?? {};
  const content: JsonObject = {};
  if (response.schema) content['application/json'] = { schema: ref(response.schema) };
  else if (response.contentType) content[response.contentType] = {};
  if (response.stream) {
    content['text/event-stream'] = {
      schema: { type: 'string', description: 'Server-sent events, when the body has `stream: true`.' },
    };
  }
  operation.responses = {
    [String(response.status ?? 200)]: {
      description: 'Success.',
      ...(Object.keys(content).length > 0 ? { content } : {}),
    },
    '4XX': errorResponse,
    '5XX': errorResponse,
  };
  return operation;
}

const pathParameter = (name: string): JsonObject => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  ...(name === 'model' ? { description: 'The model reference; its `/` (as in `org/name`) is sent as is.' } : {}),
});

/** OpenAPI 3.1 document built from the endpoint table, the operation documents and the task registry. */
export function buildOpenApi(endpoints: readonly Endpoint[]): JsonObject {
  const { schemas, ref } = componentSchemas();
  const paths: Record<string, JsonObject> = {};
  const addOperation = (endpoint: Endpoint, path: string, document: OperationDocument) => {
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => pathParameter(match[1] as string));
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operationOf(endpoint, document, parameters, ref) };
  };
  for (const endpoint of endpoints) {
    const document = operationDocuments[`${endpoint.method} ${endpoint.path}`];
    if (!document) throw new Error(`No operation document for ${endpoint.method} ${endpoint.path}.`);
    const path = endpoint.path.replace('{model+}', '{model}');
    addOperation(endpoint, path, document);
    for (const [suffix, subDocument] of Object.entries(document.subPaths ?? {}))
      addOperation(endpoint, `${path}${suffix}`, subDocument);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'infermux gateway',
      version: '0.1.0',
      description:
        'Hugging Face and OpenAI wire formats over infermux routing, keys, limits and a usage ledger. Errors follow the wire format of the endpoint: OpenAI `{error:{message,type,param,code}}`, HF `{error}`, native `{error:{code,message,status,retryable}}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This gateway.' }],
    tags,
    paths,
    components: {
      securitySchemes: {
        gatewayKey: { type: 'http', scheme: 'bearer', description: 'A gateway key (`imx_…`).' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (`INFERMUX_ADMIN_TOKEN`).' },
      },
      responses: {
        Error: {
          description: 'An error, in the wire format of the endpoint, with a stable `code`.',
          content: { 'application/json': { schema: ref(apiSchemas.errorResponse) } },
        },
      },
      schemas,
    },
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
