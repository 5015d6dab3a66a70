import type { ServerConfig } from '@infermux/core';
import type { Logger } from 'pino';
import type { GatewayEngine } from './engine/gateway-engine';
import type { GatewayModelList } from './engine/model-list';
import type { CorsPolicy } from './http/cors';
import type { RequestContext } from './http/request-context';
import type { AuthPolicy } from './keys/auth-policy';
import type { KeyRegistry } from './keys/key-registry';
import type { KeyStore } from './keys/key-store';
import type { UsageLedger } from './ledger/usage-ledger';
import type { KeyAdmission } from './limits/key-admission';
import type { GatewayMetrics } from './metrics/gateway-metrics';
import type { ApiDialect } from './wire/api-dialect';

/** What every endpoint handler can reach. Built once per gateway. */
export interface GatewayServices {
  engine: GatewayEngine;
  /** What `GET /v1/models` lists: routes, their targets, provider catalogues. */
  models: GatewayModelList;
  settings: ServerConfig;
  keys: KeyRegistry;
  /** Whether a request needs a key (decided at start from the config and the bound address). */
  auth: AuthPolicy;
  /** `server.cors`; undefined when cross-origin access is off. */
  cors: CorsPolicy | undefined;
  keyStore: KeyStore;
  /** Requests and tokens per minute and budget reservations (in memory, or in Redis with `state.redis`). */
  admission: KeyAdmission;
  ledger: UsageLedger;
  /** Tells the other replicas a key was revoked here (Redis pub/sub); nothing without shared state. */
  publishRevocation(id: string): void;
  metrics: GatewayMetrics;
  logger: Logger;
  adminToken: string | undefined;
  startedAt: number;
  /** True once shutdown began: /readyz fails, new requests are refused. */
  draining: boolean;
  /** Can the ledger be written? (for /readyz) */
  storageReachable(): boolean;
}

/**
 * One gateway endpoint. `auth: 'key'` endpoints need a gateway key once any exists and
 * write a ledger row; `admin` ones need the admin token; `none` are open (health, metrics, docs).
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  format: ApiDialect;
  /** `key-or-admin`: the handler tells the two apart (an admin sees more); the others are checked before it runs. */
  auth: 'key' | 'admin' | 'key-or-admin' | 'none';
  summary: string;
  handle(context: RequestContext, services: GatewayServices): Promise<void> | void;
}
