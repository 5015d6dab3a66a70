import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEndpoints } from './routes/endpoints';
import { runFuzz } from './test-support/fuzz-run';
import { type GatewayFixture, startGatewayFixture } from './test-support/gateway-fixture';
import { hostileRequests } from './test-support/hostile-requests';

/** `pnpm fuzz` runs this file with FUZZ_REQUESTS=10000; the suite runs a small, seeded sample. */
const count = Number(process.env.FUZZ_REQUESTS ?? 500);
const seed = Number(process.env.FUZZ_SEED ?? 17);
const HANG_MS = 1000;

let fixture: GatewayFixture;
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);

beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  fixture = await startGatewayFixture(
    { timeouts: { bodyMs: 500, headersMs: 1000, requestMs: 5000 }, logging: { level: 'silent', requests: false } },
    {},
    { defaults: { provider: 'hf' } },
  );
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await fixture?.close();
});

describe('hostile input over every route (seeded fuzz)', () => {
  it(`${count} requests: no 5xx, no hang over ${HANG_MS} ms, no crash`, async () => {
    const endpoints = [...apiEndpoints];
    const rssBefore = process.memoryUsage().rss;
    const report = await runFuzz(fixture.gateway.port, hostileRequests(endpoints, seed, count), {
      concurrency: 8,
      hangMs: HANG_MS,
    });
    const health = await fetch(`${fixture.gateway.url}/healthz`);
    const rssAfter = process.memoryUsage().rss;
    const summary = {
      seed,
      requests: report.requests,
      fiveHundreds: report.fiveHundreds.length,
      hangs: report.hangs.length,
      crashes: crashes.length + (health.status === 200 ? 0 : 1),
      dropped: report.dropped,
      rssBeforeMB: Math.round(rssBefore / 1e6),
      rssAfterMB: Math.round(rssAfter / 1e6),
      statuses: report.statuses,
    };
    console.log(`fuzz: ${JSON.stringify(summary)}`);
    expect(report.fiveHundreds.slice(0, 5)).toEqual([]);
    expect(report.hangs.slice(0, 5)).toEqual([]);
    expect(crashes).toEqual([]);
    expect(health.status).toBe(200);
    expect(report.requests).toBe(count);
  }, 600_000);
});
