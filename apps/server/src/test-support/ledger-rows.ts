import { openDatabase } from '../ledger/open-database';

/** A request's ledger row, polled for: it is written when the response closes, just after the client has read it. */
export async function waitForLedgerRow(ledgerPath: string, requestId: string): Promise<Record<string, unknown>> {
  for (let tries = 0; tries < 200; tries++) {
    const database = openDatabase(ledgerPath);
    try {
      const row = database.prepare('SELECT * FROM usage_ledger WHERE request_id = ?').get(requestId);
      if (row) return row as Record<string, unknown>;
    } finally {
      database.close();
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ledger row for ${requestId}`);
}
