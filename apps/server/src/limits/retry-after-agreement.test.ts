import { InfermuxError } from '@infermux/core';
import { describe, expect, it } from 'vitest';
import type { GatewayKey } from '../keys/gateway-key';
import type { UsageLedger } from '../ledger/usage-ledger';
import { errorResponse } from '../wire/error-response';
import { InMemoryAdmissionStore } from './in-memory-admission-store';
import { KeyAdmission } from './key-admission';

const key: GatewayKey = { id: 'k', name: 'k', prefix: 'imx_', createdAt: 0, source: 'store', tpm: 100 };

async function refusal(run: () => Promise<unknown>): Promise<InfermuxError> {
  try {
    await run();
  } catch (error) {
    if (InfermuxError.isInstance(error)) return error;
  }
  throw new Error('expected a refusal');
}

describe('429 text and Retry-After', () => {
  it('state the same wait, even past a minute (100 tokens of debt on a 100 tpm key)', async () => {
    const admission = new KeyAdmission(new InMemoryAdmissionStore(), {}, {} as UsageLedger);
    const reservation = await admission.reserve(key, { tokens: 100, cost: 0 }, 0);
    await admission.settle(reservation, { tokens: 200, cost: 0 }, 0);
    const error = await refusal(() => admission.reserve(key, { tokens: 13, cost: 0 }, 0));
    const seconds = Number(/retry in (\d+) s/.exec(error.message)?.[1]);
    expect(seconds).toBeGreaterThan(60);
    const response = errorResponse('openai', error);
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe(String(seconds));
    expect(Math.ceil(Number(response.headers['retry-after-ms']) / 1000)).toBe(seconds);
  });
});
