import { z } from 'zod';
import { routingSectionsSchema } from '../routing/routing-config';
import { serverConfigSchema } from './server-config-schema';
import { timeoutsSchema } from './timeouts-schema';

/**
 * One provider entry. Shared fields are checked here; the provider's own factory
 * checks the rest strictly (`ProviderFactory.settingsSchema`).
 */
export const providerConfigSchema = z.looseObject({
  /** Factory type (`hf`, `evolink`, `openai-compatible`); defaults to the entry's name. */
  type: z.string().min(1).optional(),
  /** A literal key is allowed but discouraged; prefer `apiKeyEnv`. */
  apiKey: z.string().min(1).optional(),
  /** Name of the env variable holding the key. */
  apiKeyEnv: z.string().min(1).optional(),
  baseURL: z.url({ error: 'expected an absolute http(s) URL' }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.optional(),
  enabled: z.boolean().optional(),
  /**
   * Gateway only, off by default: a caller's own token for this provider (`Authorization: Bearer hf_…`) is passed
   * on instead of the configured key. `true` takes tokens with the prefix the provider declares (`hf_` for
   * Hugging Face); `{ tokenPrefix }` names it for a provider that declares none.
   */
  passThrough: z
    .union([
      z.boolean(),
      z.strictObject({ tokenPrefix: z.string().min(3, 'expected a prefix of 3 or more characters') }),
    ])
    .optional(),
});

export const revisionPolicySchema = z.enum(['warn', 'strict', 'pinned-only']);

/**
 * The one configuration schema shared by the library, the CLI and the server.
 * Sections are owned by the modules that use them; unknown keys are rejected.
 */
export const configSchema = z.strictObject({
  /** The JSON Schema an editor checks this file against (`infermux config schema`); ignored here. */
  $schema: z.string().optional(),
  providers: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]*$/, 'provider names are lower-case letters, digits and dashes'),
      providerConfigSchema,
    )
    .optional(),
  defaults: z
    .strictObject({
      provider: z.string().optional(),
      revisionPolicy: revisionPolicySchema.optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .optional(),
  /** The gateway (`apps/server`): host, port, keys, limits, ledger, body limits, timeouts, logging. */
  server: serverConfigSchema.optional(),
  /** Routing (`packages/core/src/routing`): routes (aliases → targets + strategy), prices, limits, cache, retry, breaker. */
  ...routingSectionsSchema.shape,
});

export type InfermuxConfig = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerConfigSchema>;
export { timeoutsSchema };
