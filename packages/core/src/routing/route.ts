import { InfermuxError } from '../errors/infermux-error';
import { formatModelRef, isPinnedRevision, type ModelRef, parseModelRef } from '../model/model-ref';
import type { Timeouts } from '../transport/timeouts';
import type { PriceEntry } from './price-table';
import type { HedgeConfig, RetryConfig, RouteConfig, StrategyName, StreamRecoveryConfig } from './routing-config';

/** One place a route can send a request: a provider and a model (with revision). */
export interface RouteTarget {
  provider: string;
  model: ModelRef;
  weight: number;
  price?: PriceEntry;
  timeouts?: Partial<Timeouts>;
  /** Takes an assistant prefill to continue an answer (config); undefined: as the adapter declares. */
  prefill?: boolean;
  /** `provider:org/name@revision`: the identity used by breakers, stats and cooldowns. */
  key: string;
  /** `org/name@revision`: the model as attempts and events report it (made once, not per attempt). */
  label: string;
}

/** A public model name mapped to targets and a strategy, ready to run. */
export interface Route {
  /** The alias, or the model reference for an implicit single-target route. */
  name: string;
  strategy: StrategyName;
  targets: RouteTarget[];
  retry?: RetryConfig;
  hedge?: HedgeConfig;
  /** Every target's time limits, under the target's own. */
  timeouts?: Partial<Timeouts>;
  /** Rescue streams that break after their first content; undefined: off (an in-band error). */
  streamRecovery?: StreamRecoveryConfig;
  contextLengthFallback?: string;
  /** True when the caller named a configured alias. */
  configured: boolean;
}

export function targetKey(provider: string, model: ModelRef): string {
  return `${provider}:${formatModelRef({ ...model, provider: undefined })}`;
}

export function makeTarget(
  provider: string,
  model: ModelRef,
  extra: Partial<Omit<RouteTarget, 'provider' | 'model' | 'key' | 'label'>> = {},
): RouteTarget {
  const bare: ModelRef = { ...model };
  delete bare.provider;
  const label = formatModelRef(bare);
  return { weight: 1, ...extra, provider, model: bare, key: `${provider}:${label}`, label };
}

/** Turns a validated route config into a runnable route (model strings parsed, providers named). */
export function routeFromConfig(name: string, config: RouteConfig): Route {
  const targets = config.targets.map((target, index) => {
    const model = parseModelRef(target.model);
    const provider = target.provider ?? model.provider;
    if (!provider) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `routes.${name}.targets[${index}].provider: expected a provider name, either as "provider" or as a prefix of the model ("hf:${target.model}")`,
        details: { field: `routes.${name}.targets[${index}].provider` },
      });
    }
    if (target.provider && model.provider && target.provider !== model.provider) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `routes.${name}.targets[${index}]: provider "${target.provider}" disagrees with the model prefix "${model.provider}:"`,
        details: { field: `routes.${name}.targets[${index}].provider` },
      });
    }
    return makeTarget(provider, model, {
      weight: target.weight ?? 1,
      price: target.price,
      timeouts: target.timeouts,
      prefill: target.prefill,
    });
  });
  return {
    name,
    strategy: config.strategy ?? 'priority',
    targets,
    retry: config.retry,
    hedge: config.hedge,
    timeouts: config.timeouts,
    streamRecovery: config.streamRecovery,
    contextLengthFallback: config.fallback?.contextLength,
    configured: true,
  };
}

/** True when every target names a full commit: only then may results be cached for long. */
export function isPinnedRoute(route: Route): boolean {
  return route.targets.every((target) => isPinnedRevision(target.model.revision));
}
