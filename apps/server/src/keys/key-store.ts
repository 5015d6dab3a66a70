import { randomUUID } from 'node:crypto';
import { InfermuxError, keyLimitsSchema, parseWith } from '@infermux/core';
import { z } from 'zod';
import type { CreateKeyOptions, GatewayKey } from './gateway-key';
import { generateKeySecret, hashKeySecret, keyPrefix } from './key-secret';

export const createKeySchema = keyLimitsSchema.extend({
  name: z.string({ error: 'expected the key name (a string)' }).min(1, 'expected a non-empty name').max(200),
  allowedModels: z.array(z.string().min(1), { error: 'expected a list of model names (strings)' }).optional(),
  allowedRoutes: z.array(z.string().min(1), { error: 'expected a list of gateway paths (strings)' }).optional(),
});

export type StoredKey = GatewayKey & { hash: string };

export interface CreatedKey {
  id: string;
  /** The plaintext key: returned once, never stored. */
  key: string;
  name: string;
}

/**
 * Keys created by the admin API or `infermux keys`, stored hashed: in the SQLite file (default) or in
 * PostgreSQL (shared by replicas). The gateway never asks the store on a request: `KeyRegistry` keeps the
 * active keys in memory and reloads when `watch` says they changed.
 */
export interface KeyStore {
  /** Returns the plaintext key once; only its hash is kept. */
  create(options: CreateKeyOptions): Promise<CreatedKey>;
  /** Every key, revoked ones included (without hashes). */
  list(): Promise<GatewayKey[]>;
  /** Active keys with their hashes, for the in-memory registry. */
  active(): Promise<StoredKey[]>;
  revoke(id: string): Promise<GatewayKey>;
  /**
   * Calls `onChange` when the keys may have changed in another process (SQLite: the file's `data_version`,
   * polled; PostgreSQL: LISTEN/NOTIFY). Returns how to stop watching.
   */
  watch(onChange: () => void): Promise<() => Promise<void>>;
}

/** One row of `gateway_keys`, the same columns in SQLite and PostgreSQL. */
export interface KeyRow {
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
  /** PostgreSQL's BIGINT arrives as a string. */
  created_at: number | string;
  revoked_at: number | string | null;
}

export function keyFromRow(row: KeyRow): StoredKey {
  const key: StoredKey = {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    createdAt: Number(row.created_at),
    source: 'store',
    hash: row.key_hash,
  };
  if (row.allowed_models) key.allowedModels = JSON.parse(row.allowed_models) as string[];
  if (row.allowed_routes) key.allowedRoutes = JSON.parse(row.allowed_routes) as string[];
  if (row.rpm !== null) key.rpm = row.rpm;
  if (row.tpm !== null) key.tpm = row.tpm;
  if (row.budget_amount !== null)
    key.budget = { amount: row.budget_amount, period: (row.budget_period ?? 'month') as 'day' | 'month' | 'total' };
  if (row.revoked_at !== null) key.revokedAt = Number(row.revoked_at);
  return key;
}

export function withoutHash({ hash: _hash, ...key }: StoredKey): GatewayKey {
  return key;
}

/** A validated new key as the columns of `gateway_keys`, in table order, and what to give back once. */
export function newKeyRow(options: CreateKeyOptions): { values: unknown[]; created: CreatedKey } {
  const parsed = parseWith(createKeySchema, options, 'key options');
  const secret = generateKeySecret();
  const id = `key_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const values = [
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
  ];
  return { values, created: { id, key: secret, name: parsed.name } };
}

export const KEY_COLUMNS =
  'id, name, key_hash, key_prefix, allowed_models, allowed_routes, rpm, tpm, budget_amount, budget_period, created_at';

/** The revoked key, or the typed error for an unknown id (`changes`: rows the UPDATE touched). */
export function revokedKey(id: string, row: KeyRow | undefined, changes: number): GatewayKey {
  if (!row) {
    throw new InfermuxError({
      code: 'gateway_not_found',
      message: `No gateway key with id "${id}".`,
      details: { field: 'id' },
    });
  }
  if (changes === 0 && row.revoked_at === null) {
    throw new InfermuxError({ code: 'gateway_internal', message: `Key "${id}" could not be revoked.` });
  }
  return withoutHash(keyFromRow(row));
}
