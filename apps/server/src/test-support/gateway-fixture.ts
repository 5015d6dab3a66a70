import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ProviderFactory } from '@infermux/core';
import {
  FAKE_HF_VALID_TOKEN,
  type FakeEvolink,
  type FakeHf,
  type FakeHfEndpoint,
  type FakeHfModel,
  type FakeOpenAI,
  startFakeEvolink,
  startFakeHf,
  startFakeOpenAI,
} from '@infermux/testkit';
import { defaultProviderFactories } from '../provider-factories';
import { type RunningGateway, startGateway } from '../start-gateway';

export const UPSTREAM_OPENAI_KEY = 'sk-upstreamSecret01234';
export const UPSTREAM_EVOLINK_KEY = 'evolink-upstream-key-0123456789';
export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

/** Captures the gateway's JSON log lines (to assert on redaction). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** Config that prices every `openai:gpt-4o-mini` request at a cent: what the key tests spend against. */
export const CENT_PER_CHAT_CONFIG = {
  prices: { version: 'test-1', models: { 'openai:gpt-4o-mini': { perRequest: 0.01 } } },
};

export interface GatewayFixture {
  gateway: RunningGateway;
  openai: FakeOpenAI;
  hf: FakeHf;
  evolink: FakeEvolink;
  directory: string;
  ledgerPath: string;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * One gateway in front of the testkit's fake OpenAI-compatible upstream and fake Hugging
 * Face, on 127.0.0.1, with its own SQLite file in a temp directory.
 */
export async function startGatewayFixture(
  server: Record<string, unknown> = {},
  env: Record<string, string> = {},
  extraConfig: Record<string, unknown> = {},
  fakes: {
    hfModels?: FakeHfModel[];
    /** Dedicated endpoints on the fake HF, each served through its own provider `hf-{name}`. */
    hfEndpoints?: FakeHfEndpoint[] /** Provider types added to the default ones (a test's own provider). */;
    extraFactories?: readonly ProviderFactory[];
  } = {},
): Promise<GatewayFixture> {
  const openai = await startFakeOpenAI({ apiKey: UPSTREAM_OPENAI_KEY });
  const hf = await startFakeHf({ models: fakes.hfModels, endpoints: fakes.hfEndpoints });
  const evolink = await startFakeEvolink({
    apiKey: UPSTREAM_EVOLINK_KEY,
    behaviour: () => ({ outcome: 'succeed', afterPolls: 1 }),
    estimatedSeconds: () => 1,
  });
  const directory = mkdtempSync(join(tmpdir(), 'infermux-gateway-'));
  const ledgerPath = join(directory, 'gateway.sqlite');
  const logs = new LogCapture();
  const gateway = await startGateway({
    config: {
      providers: {
        openai: { type: 'openai-compatible', baseURL: openai.baseURL, apiKeyEnv: 'UPSTREAM_OPENAI_KEY' },
        hf: { type: 'hf', baseURL: hf.url, hubURL: hf.hubURL, apiKeyEnv: 'UPSTREAM_HF_TOKEN' },
        evolink: { type: 'evolink', baseURL: evolink.baseURL, apiKeyEnv: 'UPSTREAM_EVOLINK_KEY' },
        ...Object.fromEntries(
          (fakes.hfEndpoints ?? []).map((endpoint) => [
            `hf-${endpoint.name}`,
            {
              type: 'hf',
              endpointUrl: hf.endpointUrl(endpoint.name),
              hubURL: hf.hubURL,
              apiKeyEnv: 'UPSTREAM_HF_TOKEN',
            },
          ]),
        ),
        // Providers of a test's own factories sit beside the fakes.
        ...(fakes.extraFactories
          ? Object.fromEntries(fakes.extraFactories.map((factory) => [factory.type, { type: factory.type }]))
          : {}),
      },
      ...extraConfig,
      server: {
        port: 0,
        ledger: { path: ledgerPath, flushIntervalMs: 0 },
        logging: { level: 'info', requests: true },
        ...server,
      },
    },
    env: {
      UPSTREAM_OPENAI_KEY,
      UPSTREAM_EVOLINK_KEY,
      UPSTREAM_HF_TOKEN: FAKE_HF_VALID_TOKEN,
      INFERMUX_ADMIN_TOKEN: ADMIN_TOKEN,
      ...env,
    },
    logDestination: logs,
    factories: [...defaultProviderFactories, ...(fakes.extraFactories ?? [])],
  });
  return {
    gateway,
    openai,
    hf,
    evolink,
    directory,
    ledgerPath,
    logs,
    async close() {
      await gateway.close();
      await Promise.all([openai.close(), hf.close(), evolink.close()]);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
