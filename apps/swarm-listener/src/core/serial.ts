/**
 * Runs tasks one after another per key (a service ID), different keys in parallel. A failing task
 * is reported through `onError` and does not stop the ones queued after it.
 */
export class KeyedSerial {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly onError: (key: string, e: unknown) => void) {}

  run(key: string, task: () => Promise<void> | void): Promise<void> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const next = before.then(task).catch((e: unknown) => this.onError(key, e));
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Resolves when every task queued so far has finished. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }
}
