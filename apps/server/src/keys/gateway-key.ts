import type { KeyBudget } from '@infermux/core';

/** A gateway key as the gateway holds it: never the key itself, only its hash. */
export interface GatewayKey {
  id: string;
  name: string;
  /** First characters of the key, to recognise it in listings (`imx_AbCd…`). */
  prefix: string;
  allowedModels?: string[];
  allowedRoutes?: string[];
  rpm?: number;
  tpm?: number;
  budget?: KeyBudget;
  createdAt: number;
  revokedAt?: number;
  /** `config` for keys declared in the config file (read from env), `store` for created ones. */
  source: 'config' | 'store';
}

export interface CreateKeyOptions {
  name: string;
  allowedModels?: string[];
  allowedRoutes?: string[];
  rpm?: number;
  tpm?: number;
  budget?: KeyBudget;
}
