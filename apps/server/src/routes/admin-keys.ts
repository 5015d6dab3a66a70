import { timingSafeEqual } from 'node:crypto';
import { InfermuxError } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import { readJsonBody } from '../http/parse-json-body';
import { sendJson } from '../http/respond';
import { authenticateAdmin } from '../keys/authenticate';

export function constantTimeEqual(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  // Compare equal-length buffers so the time does not depend on where they differ.
  if (a.length === b.length) return timingSafeEqual(a, b);
  timingSafeEqual(a, a);
  return false;
}

export const adminCreateKeyEndpoint: Endpoint = {
  method: 'POST',
  path: '/admin/keys',
  format: 'native',
  auth: 'admin',
  summary: 'Creates a gateway key; the plaintext key is in this response only.',
  async handle(context, services) {
    authenticateAdmin(context, services, constantTimeEqual);
    const body = await readJsonBody(context.request, 64 * 1024);
    const created = services.keyStore.create(body as never);
    services.keys.reload();
    services.logger.info({ keyId: created.id, name: created.name }, 'gateway key created');
    sendJson(context, 201, created);
  },
};

export const adminListKeysEndpoint: Endpoint = {
  method: 'GET',
  path: '/admin/keys',
  format: 'native',
  auth: 'admin',
  summary: 'Lists gateway keys (names, limits, prefixes; never the keys).',
  handle(context, services) {
    authenticateAdmin(context, services, constantTimeEqual);
    sendJson(context, 200, { data: [...services.keys.configuredKeys(), ...services.keyStore.list()] });
  },
};

export const adminRevokeKeyEndpoint: Endpoint = {
  method: 'DELETE',
  path: '/admin/keys/{id}',
  format: 'native',
  auth: 'admin',
  summary: 'Revokes a gateway key at once.',
  handle(context, services) {
    authenticateAdmin(context, services, constantTimeEqual);
    const id = context.params.id as string;
    if (id.startsWith('config:')) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `Key "${id}" comes from the config file; remove it there.`,
        details: { field: 'id' },
      });
    }
    const revoked = services.keyStore.revoke(id);
    services.keys.reload();
    services.publishRevocation(id);
    services.logger.info({ keyId: id }, 'gateway key revoked');
    sendJson(context, 200, revoked);
  },
};
