import { isIP } from 'node:net';
import { InfermuxError, type ServerConfig } from '@infermux/core';

/** `localhost`, `127.0.0.0/8`, `::1` (and `::ffff:127.x.y.z`): reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Whether a request needs a gateway key: one rule, decided from the config and the bound address at start
 * and asked on every request. A gateway reachable from the network never serves a request without a key,
 * whatever happens to its keys later (revoking the last one shuts everyone out instead of letting everyone in).
 */
export class AuthPolicy {
  private constructor(
    readonly mode: ServerConfig['auth'],
    readonly networkBound: boolean,
  ) {}

  /** Checks the settings against the address about to be bound; throws the reason a start is refused. */
  static forBind(settings: ServerConfig, host: string, keyCount: number): AuthPolicy {
    const networkBound = !isLoopbackHost(host);
    if (networkBound && settings.auth === 'none' && !settings.allowUnauthenticatedNetwork) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `server.auth is "none" but server.host ${host} is reachable from the network: anyone could call (and spend through) this gateway. Bind to 127.0.0.1, use auth: keys, or set server.allowUnauthenticatedNetwork: true if that is really meant.`,
        details: { field: 'server.auth' },
      });
    }
    if (networkBound && settings.auth === 'keys' && keyCount === 0) {
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: `server.host ${host} is reachable from the network but no gateway key exists, so every request would be refused. Create one first with \`infermux keys create <name>\` (stored in ${settings.ledger.path}), or declare one under server.keys (its value read from an env variable); or bind to 127.0.0.1.`,
        details: { field: 'server.host' },
      });
    }
    return new AuthPolicy(settings.auth, networkBound);
  }

  /** On loopback with no key at all the gateway stays open (a local tool); everywhere else a key is needed. */
  requiresKey(keyCount: number): boolean {
    if (this.mode === 'none') return false;
    return this.networkBound || keyCount > 0;
  }
}
