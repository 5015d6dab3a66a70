/** Test only: two fake chat upstreams, A then B, behind a client that routes `chat` to A and fails over to B. */
import { sseFrame } from '@infermux/testkit';
import { type ClientOptions, createClient } from '../client/create-client';
import type { InfermuxEvent } from '../routing/routing-events';
import { startTestFleet } from './test-fleet';

/** The bytes of A's first SSE frame (role + first delta), to cut or stall right after it. */
export const firstFrameBytes = Buffer.byteLength(
  sseFrame({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1764057600,
    model: 'org/chat',
    choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
  }),
);

/** The client gives up on A after `idleMs` without a frame (200 ms unless given); `options` add to the client's. */
export async function startFailoverChat({
  idleMs = 200,
  ...options
}: Omit<ClientOptions, 'providers'> & { idleMs?: number } = {}) {
  const fleet = await startTestFleet({
    a: { chunks: ['Hel', 'lo', ' from A'] },
    b: { chunks: ['Hel', 'lo', ' from B'] },
  });
  const events: InfermuxEvent[] = [];
  const client = createClient({
    providers: fleet.providers,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    routes: { chat: { targets: [{ model: 'a:org/chat', timeouts: { idleMs } }, { model: 'b:org/chat' }] } },
    onEvent: (event) => events.push(event),
    ...options,
  });
  return { fleet, client, events, a: fleet.servers.a!, b: fleet.servers.b! };
}
