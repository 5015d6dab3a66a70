import { parseWith } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import { toTimestamp } from '../gateway-store';
import { sendJson } from '../http/respond';
import { authenticate } from '../keys/authenticate';
import { usageQuery } from '../wire/request-schemas';
import { constantTimeEqual } from './admin-keys';

export const usageEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/usage',
  format: 'native',
  auth: 'key-or-admin',
  summary:
    'Usage aggregated by key, model or day (`?by=key|model|day&since=ISO date`). The admin token sees all keys; a gateway key sees its own.',
  async handle(context, services) {
    const query = context.query;
    const { by, since: sinceText } = parseWith(
      usageQuery,
      { by: query?.get('by') ?? undefined, since: query?.get('since') ?? undefined },
      'query',
    );
    const since = toTimestamp(sinceText);
    const header = context.request.headers.authorization ?? '';
    const isAdmin =
      services.adminToken !== undefined && constantTimeEqual(header.replace(/^Bearer\s+/i, ''), services.adminToken);
    if (!isAdmin) await authenticate(context, services);
    services.ledger.flush();
    const rows = services.ledger.summary({ by, since, keyId: isAdmin ? undefined : context.key?.id });
    sendJson(context, 200, {
      object: 'list',
      by,
      since: since === undefined ? null : new Date(since).toISOString(),
      data: rows,
    });
  },
};
