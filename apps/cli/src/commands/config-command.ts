import { exitCodes } from '../exit-codes';
import type { CliContext } from '../runtime/cli-context';
import { maskSecrets, resolveProviders } from '../runtime/resolve-providers';

export async function configCommand(context: CliContext, flags: { json?: boolean }): Promise<number> {
  const [{ config, path }, factories] = await Promise.all([context.loadConfig(), context.factories()]);
  const providers = resolveProviders(config, factories, context.env);
  const { providers: _providers, ...sections } = config;
  const view = {
    file: path ?? null,
    providers: Object.fromEntries(
      providers.map((provider) => [
        provider.name,
        {
          type: provider.type,
          ...(provider.enabled ? {} : { enabled: false }),
          baseURL: provider.baseURL.value
            ? `${provider.baseURL.value} (${provider.baseURL.source})`
            : `(${provider.baseURL.source})`,
          apiKey: provider.apiKey.set ? `•••••• (${provider.apiKey.source})` : provider.apiKey.source,
          ...provider.settings,
        },
      ]),
    ),
    ...(maskSecrets(sections) as Record<string, unknown>),
  };
  if (flags.json) {
    context.terminal.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return exitCodes.ok;
  }
  const { stringify } = await import('yaml');
  context.terminal.stdout.write(
    `${context.terminal.out.dim(`# ${path ? `from ${path}` : 'no config file found; built-in defaults'} + environment`)}\n`,
  );
  const { file: _file, ...body } = view;
  context.terminal.stdout.write(stringify(body));
  return exitCodes.ok;
}
