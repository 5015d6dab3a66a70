import { InfermuxError } from '@infermux/core';
import type { Endpoint } from '../gateway-services';
import { toTimestamp } from '../gateway-store';
import { sendJson } from '../http/respond';
import { authenticate } from '../keys/authenticate';
import { constantTimeEqual } from './admin-keys';

const groupings = new Set(['key', 'model', 'day']);

export const usageEndpoint: Endpoint = {
  method: 'GET',
  path: '/v1/usage',
  format: 'native',
  auth: 'key-or-admin',
  summary:
    'Usage aggregated by key, model or day (`?by=key|model|day&since=ISO date`). The admin token sees all keys; a gateway key sees its own.',
  async handle(context, services) {
    const by = context.query?.get('by') ?? 'key';
    if (!groupings.has(by))
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: 'by: expected "key", "model" or "day".',
        details: { field: 'by' },
      });
    const sinceText = context.query?.get('since') ?? undefined;
    const since = toTimestamp(sinceText);
    if (sinceText !== undefined && since === undefined) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: 'since: expected an ISO date such as 2026-11-01.',
        details: { field: 'since' },
      });
    }
    const header = context.request.headers.authorization ?? '';
    const isAdmin =
      services.adminToken !== undefined && constantTimeEqual(header.replace(/^Bearer\s+/i, ''), services.adminToken);
    if (!isAdmin) await authenticate(context, services);
    // With PostgreSQL: every replica's committed rows (this one's queued rows are committed first).
    const rows = await services.ledger.summary({
      by: by as 'key',
      since,
      keyId: isAdmin ? undefined : context.key?.id,
    });
    sendJson(context, 200, {
      object: 'list',
      by,
      since: since === undefined ? null : new Date(since).toISOString(),
      data: rows,
    });
  },
};
