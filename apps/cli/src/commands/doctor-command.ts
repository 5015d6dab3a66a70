import { exitCodes } from '../exit-codes';
import type { CliContext, LoadedCliConfig } from '../runtime/cli-context';
import { type ResolvedProvider, resolveProviders } from '../runtime/resolve-providers';

type Outcome = 'ok' | 'warn' | 'fail';

/** Checks what a first call needs — config, adapters, tokens, reachable endpoints — and says what to fix. */
export async function doctorCommand(context: CliContext, flags: { offline?: boolean }): Promise<number> {
  const { stdout, out: colors } = context.terminal;
  let failed = false;
  const report = (outcome: Outcome, what: string, advice?: string) => {
    failed ||= outcome === 'fail';
    const mark = outcome === 'ok' ? colors.green('✓') : outcome === 'warn' ? colors.yellow('!') : colors.red('✗');
    stdout.write(`${mark} ${what}${advice ? `\n    ${colors.dim('→')} ${advice}` : ''}\n`);
  };

  let loaded: LoadedCliConfig;
  try {
    loaded = await context.loadConfig();
    report(
      'ok',
      loaded.path ? `config ${loaded.path} is valid` : 'no config file: using built-in defaults',
      loaded.path ? undefined : 'create infermux.config.yaml to choose providers and base URLs (see the README)',
    );
  } catch (error) {
    report('fail', `config: ${(error as Error).message}`, 'fix the field named above, or pass --config <path>');
    return exitCodes.failure;
  }
  const factories = await context.factories();
  try {
    const { buildProviders } = await import('@infermux/core');
    buildProviders(loaded.config, factories, { env: context.env });
    report('ok', `providers build: ${factories.map((factory) => factory.type).join(', ')} adapters loaded`);
  } catch (error) {
    report('fail', `providers: ${(error as Error).message}`, 'fix the provider entry named above');
  }
  const providers = resolveProviders(loaded.config, factories, context.env).filter((provider) => provider.enabled);
  for (const provider of providers) {
    if (provider.apiKey.set) report('ok', `${provider.name}: token present (${provider.apiKey.source})`);
    else if (provider.apiKey.envNames.length)
      report(
        'fail',
        `${provider.name}: no token`,
        `export ${provider.apiKey.envNames[0]}=…  (or set providers.${provider.name}.apiKeyEnv in the config)`,
      );
    else
      report(
        'warn',
        `${provider.name}: no token configured`,
        'fine for local servers; otherwise set apiKeyEnv in the config',
      );
    if (!flags.offline) await probe(provider, report);
  }
  stdout.write(failed ? `\n${colors.red('Some checks failed.')}\n` : `\n${colors.green('All checks passed.')}\n`);
  return failed ? exitCodes.failure : exitCodes.ok;
}

async function probe(
  provider: ResolvedProvider,
  report: (outcome: Outcome, what: string, advice?: string) => void,
): Promise<void> {
  const url = provider.baseURL.value;
  if (!url) {
    report(
      'warn',
      `${provider.name}: using the adapter's default endpoint (not probed)`,
      `set providers.${provider.name}.baseURL or ${provider.factory?.env?.baseURL?.[0] ?? 'the base URL'} to check it here`,
    );
    return;
  }
  const { createHttpTransport } = await import('@infermux/core');
  const transport = createHttpTransport({ timeouts: { connectMs: 5000, firstByteMs: 5000, totalMs: 8000 } });
  const started = performance.now();
  try {
    const response = await transport.request({ method: 'GET', url, provider: provider.name });
    await response.dispose();
    const ms = Math.round(performance.now() - started);
    if (response.status >= 500)
      report(
        'warn',
        `${provider.name}: ${new URL(url).host} answered HTTP ${response.status} (${ms} ms)`,
        'the service may be degraded; retry later',
      );
    else
      report(
        'ok',
        `${provider.name}: ${new URL(url).host} reachable (HTTP ${response.status}, ${ms} ms, ${provider.baseURL.source})`,
      );
  } catch (error) {
    report(
      'fail',
      `${provider.name}: cannot reach ${url}: ${(error as Error).message}`,
      'check the network, a proxy, or the base URL',
    );
  }
}
