import type { ClientOptions, RunResult, ServerConfig } from '@infermux/core';
import type { Logger } from 'pino';
import type { AdmissionStore } from '../limits/admission-store';
import { InMemoryAdmissionStore } from '../limits/in-memory-admission-store';
import { RedisAdmissionStore } from '../limits/redis-admission-store';
import { FallbackAdmissionStore } from './fallback-admission-store';
import { RedisCacheStorage } from './redis-cache-storage';
import { RedisRateLimitStorage } from './redis-rate-limit-storage';
import { RedisState } from './redis-state';
import { RedisTargetStateSync } from './redis-target-state';
import type { StateAvailabilityMetrics } from './state-availability';

/** What a registry of keys needs to hear revocations from other replicas. */
export interface RevocableKeys {
  forget(id: string): void;
  reload(): void;
}

/** The gateway's state shared with other replicas through Redis (`state.redis` / `REDIS_URL`). */
export interface SharedState {
  admissionStore: AdmissionStore;
  /** Core's provider limits, response cache and breaker/cool-down sharing. */
  clientOverrides: Pick<ClientOptions, 'rateLimitStorage' | 'cacheStorage' | 'targetStateSync'>;
  /** Applies revocations other replicas publish; returns how to publish this one's. */
  shareRevocations(keys: RevocableKeys): (id: string) => void;
  close(): void;
}

const REVOKED = /^revoked (\S{1,200})$/;

/**
 * Connects to Redis and builds the shared stores. Loaded with a dynamic `import()` only when `state.redis` is
 * set, so the embedded default never loads ioredis.
 */
export async function connectSharedState(
  url: string,
  settings: ServerConfig['state'],
  cacheMaxEntries: number,
  logger: Logger,
  metrics: StateAvailabilityMetrics,
): Promise<SharedState> {
  const state = new RedisState(url, settings.keyPrefix, logger, metrics);
  await state.connect();
  const { availability } = state;
  const policies = settings.onUnavailable;
  const keysChannel = state.key('keys');
  return {
    admissionStore: new FallbackAdmissionStore(
      new RedisAdmissionStore(state),
      new InMemoryAdmissionStore(),
      availability,
      policies,
    ),
    clientOverrides: {
      rateLimitStorage: new RedisRateLimitStorage(state, availability, policies),
      cacheStorage: new RedisCacheStorage<RunResult>(state, cacheMaxEntries, settings.cacheMaxEntryBytes),
      targetStateSync: new RedisTargetStateSync(state),
    },
    shareRevocations(keys) {
      // Revocations this replica published (it hears its own messages too): not news to it.
      const published = new Set<string>();
      void state.listen(keysChannel, (message) => {
        const id = REVOKED.exec(message)?.[1];
        if (!id || published.delete(id)) return;
        keys.forget(id);
        logger.info({ keyId: id }, 'gateway key revoked on another replica');
      });
      // Revocations published while this replica could not hear them: a shared store has them.
      availability.onRecovered(() => keys.reload());
      return (id) => {
        published.add(id);
        state
          .run((redis) => redis.publish(keysChannel, `revoked ${id}`))
          .catch((error: unknown) =>
            logger.error(
              { err: error, keyId: id },
              'key revoked here but not announced to other replicas (Redis unreachable)',
            ),
          );
      };
    },
    close: () => state.close(),
  };
}
