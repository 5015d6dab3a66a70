import { describe, expect, it } from 'vitest';
import { serverConfigSchema } from './server-config-schema';

describe('server.admission.unknownCost', () => {
  it('defaults to reject', () => {
    expect(serverConfigSchema.parse({}).admission).toEqual({ defaultOutputTokens: 1024, unknownCost: 'reject' });
  });

  it('estimate needs a ceiling, named in the error', () => {
    const refused = serverConfigSchema.safeParse({ admission: { unknownCost: 'estimate' } });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(['admission', 'unknownCostCeiling']);
    expect(
      serverConfigSchema.parse({ admission: { unknownCost: 'estimate', unknownCostCeiling: 0.05 } }).admission,
    ).toEqual({ defaultOutputTokens: 1024, unknownCost: 'estimate', unknownCostCeiling: 0.05 });
    expect(serverConfigSchema.safeParse({ admission: { unknownCost: 'maybe' } }).success).toBe(false);
  });
});
