import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FAKE_HF_VALID_TOKEN,
  type FakeEvolink,
  type FakeEvolinkOptions,
  type FakeHf,
  startFakeEvolink,
  startFakeHf,
} from '@infermux/testkit';
import { type RunningGateway, startGateway } from '../start-gateway';
import { LogCapture } from './gateway-fixture';

export const OPERATOR_EVOLINK_KEY = 'sk-evo-operatorKey0123456789';

export interface HfEvolinkGateway {
  gateway: RunningGateway;
  hf: FakeHf;
  evolink: FakeEvolink;
  directory: string;
  close(): Promise<void>;
}

/**
 * A gateway whose operator has EvoLink and Hugging Face and nothing else (a bare model id goes to the first that
 * serves its task), with its own keys for both, open on 127.0.0.1 (no gateway key).
 */
export async function startHfEvolinkGateway(
  evolinkOptions: Omit<FakeEvolinkOptions, 'apiKey'> = {},
): Promise<HfEvolinkGateway> {
  const hf = await startFakeHf();
  const evolink = await startFakeEvolink({ ...evolinkOptions, apiKey: OPERATOR_EVOLINK_KEY });
  const directory = mkdtempSync(join(tmpdir(), 'infermux-hf-evolink-'));
  const gateway = await startGateway({
    config: {
      providers: {
        // EvoLink first: a bare chat model (`gpt-5.5`) is one of its names; HF-only tasks still go to hf.
        evolink: { baseURL: evolink.baseURL, apiKeyEnv: 'OPERATOR_EVOLINK_KEY' },
        hf: { baseURL: hf.url, hubURL: hf.hubURL, apiKeyEnv: 'OPERATOR_HF_TOKEN' },
      },
      server: { port: 0, ledger: { path: join(directory, 'g.sqlite'), flushIntervalMs: 0 } },
    },
    env: { OPERATOR_HF_TOKEN: FAKE_HF_VALID_TOKEN, OPERATOR_EVOLINK_KEY },
    logDestination: new LogCapture(),
  });
  return {
    gateway,
    hf,
    evolink,
    directory,
    async close() {
      await gateway.close();
      await Promise.all([hf.close(), evolink.close()]);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
