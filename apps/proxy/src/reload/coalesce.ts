import { currentRequestId, outsideRequest } from '@flowproxy/runtime';

/** A submitted item and how to tell its submitter the outcome. */
export interface Pending<T, O> {
  readonly item: T;
  readonly resolve: (outcome: O) => void;
  /** The notification that asked for it (X-Request-Id), named in the batch's log lines. */
  readonly requestId?: string;
}

/** The distinct request ids of a batch, for its log lines. */
export const requestIds = (batch: readonly { readonly requestId?: string }[]): string[] => [
  ...new Set(batch.flatMap((p) => (p.requestId ? [p.requestId] : []))),
];

/**
 * Coalescing: items submitted within `delayMs` of the first, or while a batch is being processed,
 * are processed together as the next batch; never two batches at once. Each submitter awaits the
 * outcome of its own item. A batch that throws resolves all its items with `onError(error)`.
 */
export class Coalescer<T, O> {
  private readonly queue: Pending<T, O>[] = [];
  /** The batch being processed: no longer queued, its outcome not known yet. */
  private inflight: readonly Pending<T, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly delayMs: number,
    private readonly process: (batch: Pending<T, O>[]) => Promise<void>,
    private readonly onError: (error: Error) => O,
  ) {}

  submit(item: T): Promise<O> {
    return new Promise((resolve) => {
      const requestId = currentRequestId();
      this.queue.push({ item, resolve, ...(requestId ? { requestId } : {}) });
      this.schedule();
    });
  }

  /** Every item not answered yet: the batch in flight, then the queue. */
  pending(): T[] {
    return [...this.inflight, ...this.queue].map((p) => p.item);
  }

  /** Items queued since the current batch started, handed to it instead of forming the next one. */
  takeQueued(): Pending<T, O>[] {
    const more = this.queue.splice(0);
    this.inflight = [...this.inflight, ...more];
    return more;
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private schedule(): void {
    if (this.busy || this.timer) return;
    // A batch serves many requests: its log lines list their ids instead of carrying the first one's.
    this.timer = setTimeout(
      () =>
        outsideRequest(() => {
          this.timer = undefined;
          void this.flush();
        }),
      this.delayMs,
    );
  }

  private async flush(): Promise<void> {
    this.busy = true;
    const batch = this.queue.splice(0);
    this.inflight = batch;
    try {
      await this.process(batch);
    } catch (e) {
      const outcome = this.onError(e as Error);
      // inflight: the batch and whatever it took from the queue since (takeQueued).
      for (const p of this.inflight) p.resolve(outcome);
    } finally {
      this.inflight = [];
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
