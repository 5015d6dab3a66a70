import { closeSync, existsSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { formatJobReference, parseJobReference } from '../jobs/job-reference';
import type { JobEntry, JobJournal } from './job-journal';
import { readLines } from './read-lines';

interface JournalRecord {
  id: string;
  state: 'submitting' | 'submitted' | 'released';
  job?: string;
}

/**
 * The local batch's job journal: one JSON line per change next to the output
 * (`<output>.jobs.jsonl`), replayed at start (last record per item wins). Each record is
 * written and `fdatasync`ed before the caller goes on, so neither kill -9 nor a power loss
 * can lose a submitted job's id; it costs a few ms per job, nothing next to a job's runtime.
 */
export class FileJobJournal implements JobJournal {
  private constructor(
    private readonly fd: number,
    private readonly entries: Map<string, JobEntry>,
    private readonly resubmitUnknown: boolean,
  ) {}

  static async open(path: string, options: { resubmitUnknown?: boolean } = {}): Promise<FileJobJournal> {
    const entries = new Map<string, JobEntry>();
    if (existsSync(path)) {
      for await (const line of readLines(path)) {
        let record: JournalRecord;
        try {
          record = JSON.parse(line.text) as JournalRecord;
        } catch {
          continue; // A torn last line: its change never completed (that item stays as it was).
        }
        if (record.state === 'released') entries.delete(record.id);
        else if (record.state === 'submitting') entries.set(record.id, { state: 'submitting' });
        else if (record.job) entries.set(record.id, { state: 'submitted', job: parseJobReference(record.job) });
      }
    }
    return new FileJobJournal(openSync(path, 'a'), entries, options.resubmitUnknown === true);
  }

  /** Items whose submission outcome is unknown (reported at start). */
  get unknownCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.state === 'submitting') count += 1;
    return count;
  }

  async claim(itemKey: string): Promise<JobEntry | undefined> {
    const entry = this.entries.get(itemKey);
    if (entry && !(entry.state === 'submitting' && this.resubmitUnknown)) return entry;
    this.#write({ id: itemKey, state: 'submitting' });
    this.entries.set(itemKey, { state: 'submitting' });
    return undefined;
  }

  async submitted(itemKey: string, job: Parameters<JobJournal['submitted']>[1]): Promise<void> {
    this.#write({ id: itemKey, state: 'submitted', job: formatJobReference(job) });
    this.entries.set(itemKey, { state: 'submitted', job });
  }

  async release(itemKey: string): Promise<void> {
    this.#write({ id: itemKey, state: 'released' });
    this.entries.delete(itemKey);
  }

  #write(record: JournalRecord): void {
    const buffer = Buffer.from(`${JSON.stringify(record)}\n`);
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset);
    fdatasyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}
