import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InfermuxError } from '../errors/infermux-error';
import { parseWith } from '../errors/validation-error';
import { configSchema, type InfermuxConfig } from './config-schema';

export const configFileNames = ['infermux.config.yaml', 'infermux.config.yml', 'infermux.config.json'] as const;

/** Finds the nearest config file from `cwd` upward. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of configFileNames) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadedConfig {
  config: InfermuxConfig;
  /** The file it came from, if any. */
  path?: string;
}

/**
 * Reads and validates the config (YAML or JSON). With no file, the empty config:
 * every built-in provider on its defaults. Unknown keys and bad values are rejected
 * with their path.
 */
export function loadConfig(options: { cwd?: string; file?: string } = {}): LoadedConfig {
  const path = options.file
    ? resolve(options.cwd ?? process.cwd(), options.file)
    : findConfigFile(options.cwd ?? process.cwd());
  if (!path) return { config: parseConfig({}) };
  if (!existsSync(path)) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `Config file not found: ${path}`,
      details: { field: 'config', path },
    });
  }
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `Config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      details: { path },
    });
  }
  return { config: parseConfig(raw ?? {}, path), path };
}

export function parseConfig(raw: unknown, source = 'config'): InfermuxConfig {
  return parseWith(configSchema, raw, `configuration (${source})`);
}
