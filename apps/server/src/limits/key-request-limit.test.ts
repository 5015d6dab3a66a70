import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';
import { InMemoryAdmissionStore } from './in-memory-admission-store';
import { KeyAdmission } from './key-admission';

const key: GatewayKey = { id: 'k', name: 'k', prefix: 'imx_', createdAt: 0, source: 'store', rpm: 60 };

async function refusal(run: () => Promise<unknown>): Promise<InfermuxError> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!InfermuxError.isInstance(error)) throw new Error('expected a refusal');
  return error;
}

describe('requests per minute (a meter on the admission store)', () => {
  it('admits up to the limit, then says how long until the next request', async () => {
    const admission = new KeyAdmission(new InMemoryAdmissionStore(), {}, {} as UsageLedger);
    for (let index = 0; index < 60; index++) await admission.admit(key, 0); // one per second
    const error = await refusal(() => admission.admit(key, 0));
    expect(error).toMatchObject({ code: 'policy_rate_limited', retryAfterMs: 1000 });
    expect(error.details).toMatchObject({ unit: 'requests per minute', limit: 60 });
    await admission.admit(key, 1000);
  });

  it('a spent budget refuses before a request is taken', async () => {
    const ledger = { flush: () => undefined, spentSince: () => 5 } as unknown as UsageLedger;
    const admission = new KeyAdmission(new InMemoryAdmissionStore(), {}, ledger);
    const limited = { ...key, rpm: 1, budget: { amount: 5, period: 'total' as const } };
    expect(await refusal(() => admission.admit(limited, 0))).toMatchObject({ code: 'policy_budget_exceeded' });
    await admission.admit({ ...limited, budget: undefined }, 0);
  });
});
