import { randomUUID } from 'node:crypto';
import { InfermuxError, keyLimitsSchema, parseWith } from '@infermux/core';
import { z } from 'zod';
import type { GatewayDatabase } from '../ledger/open-database';
import type { CreateKeyOptions, GatewayKey } from './gateway-key';
import { generateKeySecret, hashKeySecret, keyPrefix } from './key-secret';

export const createKeySchema = keyLimitsSchema.extend({
  name: z.string({ error: 'expected the key name (a string)' }).min(1, 'expected a non-empty name').max(200),
  allowedModels: z.array(z.string().min(1), { error: 'expected a list of model names (strings)' }).optional(),
  allowedRoutes: z.array(z.string().min(1), { error: 'expected a list of gateway paths (strings)' }).optional(),
});

interface KeyRow {
  id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  allowed_models: string | null;
  allowed_routes: string | null;
  rpm: number | null;
  tpm: number | null;
  budget_amount: number | null;
  budget_period: string | null;
  created_at: number;
  revoked_at: number | null;
}

function fromRow(row: KeyRow): GatewayKey & { hash: string } {
  const key: GatewayKey & { hash: string } = {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    createdAt: row.created_at,
    source: 'store',
    hash: row.key_hash,
  };
  if (row.allowed_models) key.allowedModels = JSON.parse(row.allowed_models) as string[];
  if (row.allowed_routes) key.allowedRoutes = JSON.parse(row.allowed_routes) as string[];
  if (row.rpm !== null) key.rpm = row.rpm;
  if (row.tpm !== null) key.tpm = row.tpm;
  if (row.budget_amount !== null)
    key.budget = { amount: row.budget_amount, period: (row.budget_period ?? 'month') as 'day' | 'month' | 'total' };
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at;
  return key;
}

/** Keys created by the admin API or `infermux keys`, stored hashed in the gateway's SQLite file. */
export class KeyStore {
  constructor(private readonly database: GatewayDatabase) {}

  /** Returns the plaintext key once; only its hash is kept. */
  create(options: CreateKeyOptions): { id: string; key: string; name: string } {
    const parsed = parseWith(createKeySchema, options, 'key options');
    const secret = generateKeySecret();
    const id = `key_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    this.database
      .prepare(
        `INSERT INTO gateway_keys (id, name, key_hash, key_prefix, allowed_models, allowed_routes, rpm, tpm, budget_amount, budget_period, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        parsed.name,
        hashKeySecret(secret),
        keyPrefix(secret),
        parsed.allowedModels ? JSON.stringify(parsed.allowedModels) : null,
        parsed.allowedRoutes ? JSON.stringify(parsed.allowedRoutes) : null,
        parsed.rpm ?? null,
        parsed.tpm ?? null,
        parsed.budget?.amount ?? null,
        parsed.budget?.period ?? null,
        Date.now(),
      );
    return { id, key: secret, name: parsed.name };
  }

  /** Every key, revoked ones included (without hashes). */
  list(): GatewayKey[] {
    const rows = this.database.prepare('SELECT * FROM gateway_keys ORDER BY created_at').all() as KeyRow[];
    return rows.map((row) => {
      const { hash: _hash, ...key } = fromRow(row);
      return key;
    });
  }

  /** Active keys with their hashes, for the in-memory registry. */
  active(): Array<GatewayKey & { hash: string }> {
    const rows = this.database.prepare('SELECT * FROM gateway_keys WHERE revoked_at IS NULL').all() as KeyRow[];
    return rows.map(fromRow);
  }

  revoke(id: string): GatewayKey {
    const result = this.database
      .prepare('UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(Date.now(), id);
    const row = this.database.prepare('SELECT * FROM gateway_keys WHERE id = ?').get(id) as KeyRow | undefined;
    if (!row) {
      throw new InfermuxError({
        code: 'gateway_not_found',
        message: `No gateway key with id "${id}".`,
        details: { field: 'id' },
      });
    }
    if (result.changes === 0 && row.revoked_at === null) {
      throw new InfermuxError({ code: 'gateway_internal', message: `Key "${id}" could not be revoked.` });
    }
    const { hash: _hash, ...key } = fromRow(row);
    return key;
  }
}
