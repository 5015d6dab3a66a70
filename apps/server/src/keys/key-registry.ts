import type { ServerConfig } from '@infermux/core';
import { InfermuxError, registerSecret } from '@infermux/core';
import type { GatewayDatabase } from '../ledger/open-database';
import type { GatewayKey } from './gateway-key';
import { hashKeySecret, keyPrefix, sameHash } from './key-secret';
import type { KeyStore } from './key-store';

type KeyWithHash = GatewayKey & { hash: string };

/** A `data_version` pragma costs microseconds; 4 a second keeps revocation by another process well under 1 s. */
export const REFRESH_INTERVAL_MS = 250;

/**
 * The keys the gateway accepts right now, by hash: config keys (from env) plus active
 * store keys. Another process (`infermux keys create/revoke`) may change the store while
 * the gateway runs; SQLite's `data_version` tells us when to reload, checked at most every
 * `REFRESH_INTERVAL_MS`: the documented bound for another process's revocation to take effect
 * (a revocation through this process's admin API reloads at once).
 */
export class KeyRegistry {
  private byHash = new Map<string, KeyWithHash>();
  private readonly recent = new Map<string, KeyWithHash>();
  private readonly configured: KeyWithHash[] = [];
  private readonly revoked = new Set<string>();
  private dataVersion = -1;
  private checkedAt = 0;

  constructor(
    private readonly store: KeyStore,
    private readonly database: GatewayDatabase,
    config: ServerConfig,
    env: Record<string, string | undefined>,
  ) {
    for (const entry of config.keys) {
      const secret = env[entry.keyEnv];
      if (!secret) {
        throw new InfermuxError({
          code: 'caller_invalid_input',
          message: `server.keys: key "${entry.name}" reads its value from the env variable ${entry.keyEnv}, which is not set.`,
          details: { field: 'server.keys', env: entry.keyEnv },
        });
      }
      registerSecret(secret);
      const key: KeyWithHash = {
        id: `config:${entry.name}`,
        name: entry.name,
        prefix: keyPrefix(secret),
        createdAt: 0,
        source: 'config',
        hash: hashKeySecret(secret),
      };
      if (entry.allowedModels) key.allowedModels = entry.allowedModels;
      if (entry.allowedRoutes) key.allowedRoutes = entry.allowedRoutes;
      if (entry.rpm !== undefined) key.rpm = entry.rpm;
      if (entry.tpm !== undefined) key.tpm = entry.tpm;
      if (entry.budget) key.budget = entry.budget;
      this.configured.push(key);
    }
    this.reload();
  }

  /** Reloads when the store changed (here or in another process). */
  refresh(now = Date.now()): void {
    if (now - this.checkedAt < REFRESH_INTERVAL_MS) return;
    this.checkedAt = now;
    const version = this.database.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) this.reload();
  }

  reload(): void {
    this.dataVersion = this.database.pragma('data_version', { simple: true }) as number;
    const next = new Map<string, KeyWithHash>();
    for (const key of this.configured) next.set(key.hash, key);
    for (const key of this.store.active()) if (!this.revoked.has(key.id)) next.set(key.hash, key);
    this.byHash = next;
    this.recent.clear();
  }

  /**
   * A key revoked elsewhere (another replica, pushed through Redis): refused from now on, without waiting for
   * this process's store to show it. Revocation is final, so the id stays refused across reloads.
   */
  forget(id: string): void {
    this.revoked.add(id);
    for (const [hash, key] of this.byHash) if (key.id === id) this.byHash.delete(hash);
    this.recent.clear();
  }

  /** Keys accepted right now (whether none means "open" is the auth policy's call). */
  get size(): number {
    return this.byHash.size;
  }

  /** The key for a presented secret, or undefined (unknown or revoked). */
  find(secret: string): GatewayKey | undefined {
    // Recently accepted secrets skip the hash (a hot-path cost); the cache holds only keys that
    // are valid right now and is emptied on every reload, so a revoked key is refused at once.
    const cached = this.recent.get(secret);
    if (cached) return cached;
    const hash = hashKeySecret(secret);
    const key = this.byHash.get(hash);
    // The map lookup is by hash (nothing to learn from its timing); the final comparison is constant-time anyway.
    if (!key || !sameHash(key.hash, hash)) return undefined;
    if (this.recent.size >= 1024) this.recent.clear();
    this.recent.set(secret, key);
    return key;
  }

  configuredKeys(): GatewayKey[] {
    return this.configured.map(({ hash: _hash, ...key }) => key);
  }
}
