import type { ServerConfig } from '@infermux/core';
import { InfermuxError, registerSecret } from '@infermux/core';
import type { GatewayKey } from './gateway-key';
import { hashKeySecret, keyPrefix, sameHash } from './key-secret';
import type { KeyStore, StoredKey as KeyWithHash } from './key-store';

/**
 * The keys the gateway accepts right now, by hash, in memory (a request never waits for the store):
 * config keys (from env) plus active store keys. Another process (`infermux keys create/revoke`, another
 * replica) may change the store while the gateway runs; the store's `watch` says when to reload (SQLite:
 * `data_version` every 250 ms; PostgreSQL: NOTIFY, at once). A change through this process's admin API
 * reloads before the admin call answers.
 */
export class KeyRegistry {
  private byHash = new Map<string, KeyWithHash>();
  private readonly recent = new Map<string, KeyWithHash>();
  private readonly configured: KeyWithHash[] = [];
  private readonly revoked = new Set<string>();
  /** Reloads started; only the latest one's result is kept (an older query may finish last). */
  private reloads = 0;
  private latest: Promise<void> = Promise.resolve();
  private stopWatching: (() => Promise<void>) | undefined;

  constructor(
    private readonly store: KeyStore,
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
  }

  /** Loads the store's keys, then follows its changes (`onError`: a reload that failed; the old keys stay). */
  async start(onError: (error: unknown) => void): Promise<void> {
    await this.reload();
    this.stopWatching = await this.store.watch(() => void this.reload().catch(onError));
  }

  async stop(): Promise<void> {
    await this.stopWatching?.();
  }

  /** Resolves once the keys as of this call (or later) are in use. */
  reload(): Promise<void> {
    const started = ++this.reloads;
    this.latest = this.store.active().then(async (active) => {
      // A newer reload started meanwhile: its answer is the one kept, so wait for it.
      if (started !== this.reloads) return this.latest;
      const next = new Map<string, KeyWithHash>();
      for (const key of this.configured) next.set(key.hash, key);
      for (const key of active) if (!this.revoked.has(key.id)) next.set(key.hash, key);
      this.byHash = next;
      this.recent.clear();
    });
    return this.latest;
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
