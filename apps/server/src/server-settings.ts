import { type InfermuxConfig, type ServerConfig, serverConfigSchema } from '@infermux/core';

/** The `server` section with every default filled in (the section may be absent). */
export function serverSettings(config: InfermuxConfig): ServerConfig {
  return config.server ?? serverConfigSchema.parse({});
}
