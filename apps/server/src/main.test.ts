import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeOpenAI, startFakeOpenAI } from '@infermux/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMain, spawnGateway } from './test-support/gateway-process';
import { chatBody } from './test-support/gateway-requests';

let upstream: FakeOpenAI;
let directory: string;

beforeAll(async () => {
  // 120 ms between stream chunks: a chat stream lasts about a second, long enough to SIGTERM in the middle.
  upstream = await startFakeOpenAI({ streamDelayMs: 120 });
  directory = mkdtempSync(join(tmpdir(), 'infermux-process-'));
  await buildMain();
}, 60_000);
afterAll(async () => {
  await upstream?.close();
  rmSync(directory, { recursive: true, force: true });
});

function writeConfig(name: string, server: Record<string, unknown>): { configPath: string; ledgerPath: string } {
  const ledgerPath = join(directory, `${name}.sqlite`);
  const configPath = join(directory, `${name}.json`);
  writeFileSync(
    configPath,
    JSON.stringify({
      providers: { openai: { type: 'openai-compatible', baseURL: upstream.baseURL } },
      server: { ledger: { path: ledgerPath }, ...server },
    }),
  );
  return { configPath, ledgerPath };
}

function countRows(ledgerPath: string): number {
  const database = new Database(ledgerPath, { readonly: true, fileMustExist: true });
  try {
    return (database.prepare('SELECT COUNT(*) AS n FROM usage_ledger').get() as { n: number }).n;
  } finally {
    database.close();
  }
}

describe('the gateway as a process (what `pnpm start` runs)', () => {
  it('a crash (SIGKILL) loses no committed ledger row', async () => {
    const { configPath, ledgerPath } = writeConfig('crash', {});
    const gateway = await spawnGateway({ cwd: directory, configPath });
    for (let index = 0; index < 5; index++) {
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chatBody('openai:gpt-4o-mini', `row ${index}`),
      });
      expect(response.status).toBe(200);
      await response.text();
    }
    // Rows are committed in 10 ms batches; wait until all five are visible to another connection.
    for (let tries = 0; tries < 100 && countRows(ledgerPath) < 5; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(countRows(ledgerPath)).toBe(5);
    gateway.child.kill('SIGKILL');
    expect((await gateway.exited).signal).toBe('SIGKILL');
    // No clean close: the rows live in the WAL file, and SQLite replays it on open.
    expect(existsSync(`${ledgerPath}-wal`) && statSync(`${ledgerPath}-wal`).size > 0).toBe(true);
    expect(countRows(ledgerPath)).toBe(5);
  }, 30_000);

  /** SIGKILLs a gateway under load; the answered requests (whole 200 bodies) whose row is missing. */
  async function answeredWithoutRow(
    name: string,
    ledger: Record<string, unknown>,
  ): Promise<{ answered: number; missing: number }> {
    const { configPath, ledgerPath } = writeConfig(name, {
      ledger: { path: join(directory, `${name}.sqlite`), ...ledger },
    });
    const gateway = await spawnGateway({ cwd: directory, configPath });
    const answered: string[] = [];
    let killed = false;
    const worker = async () => {
      while (!killed) {
        try {
          const response = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: chatBody('openai:gpt-4o-mini', 'row'),
          });
          await response.text();
          if (response.status === 200) answered.push(response.headers.get('x-request-id') as string);
        } catch {
          // the kill cut this one: not answered
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    // Kill once enough requests were answered (a loaded machine answers fewer per second), at most after 15 s.
    const started = Date.now();
    while (answered.length < 30 && Date.now() - started < 15_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    gateway.child.kill('SIGKILL');
    killed = true;
    await gateway.exited;
    await Promise.all(workers);
    const database = new Database(ledgerPath, { readonly: true, fileMustExist: true });
    const ids = new Set(
      (database.prepare('SELECT request_id FROM usage_ledger').all() as Array<{ request_id: string }>).map(
        (row) => row.request_id,
      ),
    );
    database.close();
    return { answered: answered.length, missing: answered.filter((id) => !ids.has(id)).length };
  }

  it('SIGKILL under load with ledger commit: before-response: no answered request without its row', async () => {
    const committed = await answeredWithoutRow('before-response', { commit: 'before-response', flushIntervalMs: 2000 });
    const batched = await answeredWithoutRow('batched', { commit: 'batched', flushIntervalMs: 2000 });
    console.log(`sigkill: ${JSON.stringify({ beforeResponse: committed, batched })}`);
    expect(committed.answered).toBeGreaterThanOrEqual(30);
    expect(committed.missing).toBe(0);
  }, 60_000);

  it('SIGTERM: stops accepting, lets an in-flight stream finish, flushes the ledger, exits 0', async () => {
    const { configPath, ledgerPath } = writeConfig('drain', { shutdown: { drainMs: 8000 } });
    const gateway = await spawnGateway({ cwd: directory, configPath });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody('openai:gpt-4o-mini', 'one two three four five six seven', { stream: true }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain('chat.completion.chunk');
    gateway.child.kill('SIGTERM');
    const sentAt = Date.now();
    // New connections are refused once the listener closed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    const content = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('data: {'))
      .map((frame) => JSON.parse(frame.slice(6)).choices[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe('You said: one two three four five six seven');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const exit = await gateway.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(8000);
    expect(gateway.output()).toMatch(/shutting down: no new connections, draining in-flight requests/);
    expect(gateway.output()).toMatch(/gateway stopped; ledger flushed/);
    const database = new Database(ledgerPath, { readonly: true });
    const row = database.prepare('SELECT status, streamed FROM usage_ledger').get();
    database.close();
    expect(row).toEqual({ status: 200, streamed: 1 });
  }, 30_000);

  it('SIGTERM with a stream that outlives the drain deadline: it ends with an in-band error, not a clean end', async () => {
    const { configPath } = writeConfig('deadline', { shutdown: { drainMs: 200 } });
    const gateway = await spawnGateway({ cwd: directory, configPath });
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chatBody('openai:gpt-4o-mini', 'a b c d e f g h i j k l m n o p', { stream: true }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    gateway.child.kill('SIGTERM');
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toMatch(
      /data: \{"error":\{"message":"The gateway is shutting down; the stream was cut at the drain deadline\."/,
    );
    expect(text).not.toContain('[DONE]');
    expect((await gateway.exited).code).toBe(0);
  }, 30_000);
});
