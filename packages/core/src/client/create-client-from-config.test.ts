import { type FakeServer, startFakeServer } from '@infermux/testkit';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseConfig } from '../config/load-config';
import { defineProviderFactory } from '../provider/provider-factory';
import type { InfermuxEvent, RequestEndEvent } from '../routing/routing-events';
import { createTestProvider } from '../test-support/test-provider';
import { serveTestUpstream } from '../test-support/test-upstream';
import { createClientFromConfig } from './create-client-from-config';

const testFactory = defineProviderFactory({
  type: 'test',
  settingsSchema: z.strictObject({ baseURL: z.string(), maxBatchSize: z.int().optional() }),
  create: (settings, context) =>
    createTestProvider({
      name: settings.name ?? 'test',
      baseURL: settings.baseURL,
      transport: context.transport,
      maxBatchSize: settings.maxBatchSize,
    }),
});

let servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe('createClientFromConfig', () => {
  it('builds providers, routes, prices and policies from one config file', async () => {
    const primary = await startFakeServer();
    const backup = await startFakeServer();
    servers = [primary, backup];
    serveTestUpstream(primary, { label: 'PRIMARY' });
    serveTestUpstream(backup, { label: 'BACKUP' });
    const yaml = `
providers:
  primary: { type: test, baseURL: "${primary.url}" }
  backup: { type: test, baseURL: "${backup.url}" }
routes:
  sentiment:
    strategy: priority
    targets:
      - { model: "primary:distilbert/sst2@main" }
      - { provider: backup, model: "distilbert/sst2@main", price: { perRequest: 0.5 } }
prices:
  version: "2026-11"
  models:
    "primary:distilbert/sst2": { perRequest: 0.25 }
retry: { baseDelayMs: 5 }
breaker: { consecutiveFailures: 10 }
`;
    const config = parseConfig(parseYaml(yaml));
    const events: InfermuxEvent[] = [];
    const client = createClientFromConfig(config, [testFactory], {
      env: {},
      overrides: { onEvent: (event) => events.push(event) },
    });

    const first = await client.run('text-classification', { model: 'sentiment', input: { inputs: 'great' } });
    expect(first).toMatchObject({ provider: 'primary', cost: { amount: 0.25, priceVersion: '2026-11' } });
    primary.fault('POST /models/*', { kind: 'status', status: 500 });
    const second = await client.run('text-classification', { model: 'sentiment', input: { inputs: 'great' } });
    expect(second).toMatchObject({ provider: 'backup', cost: { amount: 0.5 } });
    expect(second.output[0]?.label).toBe('BACKUP');
    expect(second.attempts.map((attempt) => attempt.provider)).toEqual(['primary', 'backup']);
    expect(events.filter((event) => event.type === 'request-end')).toHaveLength(2);
  });

  it('exports a typed event union that narrows on `type`', () => {
    expectTypeOf<Extract<InfermuxEvent, { type: 'request-end' }>>().toEqualTypeOf<RequestEndEvent>();
    expectTypeOf<RequestEndEvent['attempts'][number]['errorCode']>().toEqualTypeOf<
      import('../errors/error-codes').ErrorCode | undefined
    >();
    expectTypeOf<InfermuxEvent['type']>().toEqualTypeOf<
      | 'attempt-start'
      | 'attempt-end'
      | 'retry-scheduled'
      | 'failover'
      | 'breaker-open'
      | 'breaker-half-open'
      | 'breaker-close'
      | 'cache-hit'
      | 'cache-miss'
      | 'rate-limit-wait'
      | 'request-end'
    >();
  });
});
