import { ADMIN_TOKEN } from './gateway-fixture';

export interface GatewayReply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies of every shape by path; each assertion checks what it reads.
  json<T = any>(): T;
}

/** A raw HTTP call to the gateway (no SDK), for status, header and body assertions. */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<GatewayReply> {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: init.headers,
    body: init.body as BodyInit | undefined,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

export function chatBody(model = 'openai:gpt-4o-mini', content = 'hello', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra });
}

export function bearer(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra };
}

export async function createKey(
  gatewayUrl: string,
  options: Record<string, unknown>,
): Promise<{ id: string; key: string }> {
  const reply = await call(`${gatewayUrl}/admin/keys`, { headers: bearer(ADMIN_TOKEN), body: JSON.stringify(options) });
  if (reply.status !== 201) throw new Error(`key creation failed: ${reply.status} ${reply.text}`);
  return reply.json();
}
