import { request } from 'node:http';
import type { HostileRequest } from './hostile-requests';

export interface FuzzOutcome {
  status: number | undefined;
  ms: number;
  hung: boolean;
  /** The connection failed without a status (the server closed it: header flood, connection limits). */
  dropped: boolean;
}

/** Sends one raw request; a reply later than `hangMs` is a hang (the socket is then destroyed). */
export function sendHostile(port: number, hostile: HostileRequest, hangMs: number): Promise<FuzzOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number | undefined, hung: boolean, dropped: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, ms: performance.now() - started, hung, dropped });
    };
    const headers: Record<string, string> = { ...hostile.headers };
    if (hostile.body && headers['content-length'] === undefined)
      headers['content-length'] = String(hostile.body.length);
    let outgoing: ReturnType<typeof request>;
    try {
      outgoing = request({
        host: '127.0.0.1',
        port,
        method: hostile.method,
        path: hostile.path,
        headers,
        agent: false,
      });
    } catch {
      // The client itself refused to send it (an invalid header or path): not the gateway's doing.
      resolve({ status: 0, ms: 0, hung: false, dropped: false });
      return;
    }
    const timer = setTimeout(() => {
      done(undefined, true, false);
      outgoing.destroy();
    }, hangMs);
    outgoing.on('response', (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode, false, false));
      response.on('error', () => done(response.statusCode, false, false));
    });
    outgoing.on('error', () => done(undefined, false, true));
    outgoing.end(hostile.body);
  });
}

export interface FuzzReport {
  requests: number;
  fiveHundreds: Array<{ status: number; request: Omit<HostileRequest, 'body'> & { bodyBytes: number } }>;
  hangs: Array<Omit<HostileRequest, 'body'>>;
  dropped: number;
  statuses: Record<string, number>;
}

/** Runs `requests` with `concurrency` in flight, counting 5xx, hangs and dropped connections. */
export async function runFuzz(
  port: number,
  requests: Iterable<HostileRequest>,
  options: { concurrency: number; hangMs: number },
): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, fiveHundreds: [], hangs: [], dropped: 0, statuses: {} };
  const iterator = requests[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      const hostile = next.value;
      const outcome = await sendHostile(port, hostile, options.hangMs);
      report.requests++;
      const { body, ...described } = hostile;
      const label = outcome.hung ? 'hang' : outcome.dropped ? 'dropped' : String(outcome.status);
      report.statuses[label] = (report.statuses[label] ?? 0) + 1;
      if (outcome.hung) report.hangs.push(described);
      if (outcome.dropped) report.dropped++;
      if (outcome.status !== undefined && outcome.status >= 500)
        report.fiveHundreds.push({ status: outcome.status, request: { ...described, bodyBytes: body?.length ?? 0 } });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return report;
}
