import type { ChangeEntry } from './types.js';

/**
 * The last changes applied (or refused), newest first, for the status page. Bounded: a burst of
 * notifications keeps only the most recent `capacity` entries, so memory never grows with traffic.
 */
export class ChangeJournal {
  private readonly entries: ChangeEntry[] = [];
  private next = 0;

  constructor(private readonly capacity = 50) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
  }

  record(entry: Omit<ChangeEntry, 'at'> & { at?: string }): void {
    const full: ChangeEntry = { ...entry, at: entry.at ?? new Date().toISOString() };
    if (this.entries.length < this.capacity) this.entries.push(full);
    else this.entries[this.next] = full;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): ChangeEntry[] {
    const n = this.entries.length;
    const out: ChangeEntry[] = [];
    for (let i = 1; i <= n; i += 1) {
      const e = this.entries[(this.next - i + n * 2) % n];
      if (e) out.push(e);
    }
    return out;
  }
}
