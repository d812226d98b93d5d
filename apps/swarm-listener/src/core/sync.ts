import { newRequestId, type Logger } from '@flowproxy/runtime';
import type { ServiceEvent, SwarmApi } from '../docker/types.js';
import type { Notification } from '../delivery/dispatcher.js';
import type { Metrics } from '../metrics.js';
import { decide, waitsForTask } from './decide.js';
import { nodeInfoParam, scrapeNetwork } from './node-info.js';
import { createParams, removeParams, type ParamOptions } from './notification.js';
import { KeyedSerial } from './serial.js';
import { toSnapshot, type ServiceSnapshot } from './snapshot.js';
import { abortableSleep } from './sleep.js';

export interface SyncOptions extends ParamOptions {
  readonly notifyImmediately: boolean;
  /** How often tasks of services waiting for their first running task are polled. */
  readonly taskPollMs: number;
  /** How long a waiting service is polled that often; after that only each reconcile checks it. */
  readonly taskWaitMs: number;
  /** DF_INCLUDE_NODE_IP_INFO: add upstream's nodeInfo to services labelled com.df.scrapeNetwork. */
  readonly includeNodeInfo?: boolean;
}

export interface SyncDeps {
  readonly api: SwarmApi;
  readonly notify: (n: Notification) => void;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly opts: SyncOptions;
}

interface Waiting {
  readonly snapshot: ServiceSnapshot;
  readonly since: number;
}

const STARTS_KEPT_MS = 10_000;
const REMOVED_KEPT_MS = 10 * 60_000;

const errMsg = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The listener's state machine: what each receiver was last told per service ID (`notified`), the
 * labelled services still waiting for a running task (`waiting`), and the rules that turn Docker
 * observations (events, listings) into notifications. Work per service ID is serialized; a stale
 * observation (older Version.Index, or a service already removed) is ignored, so a slow listing
 * can never undo a newer event.
 */
export class ServiceSync {
  private readonly notified = new Map<string, ServiceSnapshot>();
  /** nodeInfo last sent per notified service (DF_INCLUDE_NODE_IP_INFO); not part of the snapshot hash. */
  private readonly nodeInfo = new Map<string, string>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly versions = new Map<string, number>();
  /** Removed service IDs (IDs are never reused) and when: a late listing must not bring them back. */
  private readonly removed = new Map<string, number>();
  private readonly inspectQueued = new Set<string>();
  private readonly taskStarts = new Map<string, number>();
  private readonly serial: KeyedSerial;
  private readonly stopCtl = new AbortController();
  private waiterRunning = false;
  private waiterAgain = false;
  private waiterAll = false;
  private reconcileRunning: Promise<void> | null = null;
  private reconcileAgain: { force: boolean } | null = null;
  private firstReconcile = false;
  private readonly readyWaiters: (() => void)[] = [];

  constructor(private readonly deps: SyncDeps) {
    this.serial = new KeyedSerial((id, e) => {
      deps.log.error('service processing failed', { serviceId: id, error: errMsg(e) });
    });
  }

  // ---- inputs ----------------------------------------------------------------------------------

  /** A Docker service event: remove is final; create/update re-inspects (coalesced per service). */
  onEvent(ev: ServiceEvent): void {
    this.deps.log.debug('docker event', { action: ev.action, serviceId: ev.id });
    this.deps.metrics?.events.inc({ action: ev.action });
    this.deps.metrics?.lastEvent.setToCurrentTime();
    if (ev.action === 'task-started') {
      // A task container of this service started on this node: no need to wait for the next poll.
      this.rememberStart(ev.id);
      void this.serial.run(ev.id, async () => {
        const w = this.waiting.get(ev.id);
        if (w) await this.commit(w.snapshot);
      });
      // A new task may have moved the service's nodeInfo.
      if (this.notified.has(ev.id)) void this.refreshNodeInfo(ev.id);
      return;
    }
    if (ev.action === 'remove') {
      void this.serial.run(ev.id, () => this.apply(ev.id, null, false));
      return;
    }
    if (this.inspectQueued.has(ev.id)) return;
    this.inspectQueued.add(ev.id);
    void this.serial.run(ev.id, async () => {
      this.inspectQueued.delete(ev.id);
      const svc = await this.docker('service inspect', () => this.deps.api.inspectService(ev.id));
      await this.apply(ev.id, svc ? toSnapshot(svc, this.deps.opts.notifyLabel) : null, false);
    });
  }

  /**
   * Full comparison with Docker. Concurrent requests are coalesced into one more run; `force`
   * re-sends every notified service (notify-services).
   */
  reconcile(opts: { force?: boolean } = {}): Promise<void> {
    const force = opts.force ?? false;
    if (this.reconcileRunning) {
      this.reconcileAgain = { force: force || (this.reconcileAgain?.force ?? false) };
      return this.reconcileRunning;
    }
    const run = async (): Promise<void> => {
      let next: { force: boolean } | null = { force };
      while (next) {
        this.reconcileAgain = null;
        await this.reconcileOnce(next.force);
        next = this.reconcileAgain;
      }
    };
    this.reconcileRunning = run().finally(() => {
      this.reconcileRunning = null;
    });
    return this.reconcileRunning;
  }

  // ---- outputs ---------------------------------------------------------------------------------

  /** Parameters of every notified service, exactly as sent on create (get-services). */
  services(): Record<string, string>[] {
    return [...this.notified.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((s) => createParams(s, this.deps.opts, this.nodeInfo.get(s.id)));
  }

  /** Resolves once the first full reconcile has succeeded (get-services waits for it). */
  ready(): Promise<void> {
    if (this.firstReconcile) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  isReady(): boolean {
    return this.firstReconcile;
  }

  stats(): { notified: number; waiting: number } {
    return { notified: this.notified.size, waiting: this.waiting.size };
  }

  /** Waits until every queued per-service step has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.serial.idle();
  }

  stop(): void {
    this.stopCtl.abort();
  }

  // ---- core ------------------------------------------------------------------------------------

  private async reconcileOnce(force: boolean): Promise<void> {
    const started = performance.now();
    // A version already applied is the same spec: nothing to compare (at 10,000 services parsing
    // the listing and a snapshot and a step per service cost most of a pass).
    const unchanged = (id: string, version: number): boolean => !force && this.versions.get(id) === version;
    const list = await this.docker('service ls', () => this.deps.api.listServices(unchanged)).catch(
      () => null,
    );
    if (list === null) return;
    const seen = new Set<string>();
    const work: Promise<void>[] = [];
    for (const svc of list) {
      seen.add(svc.ID);
      if ('unchanged' in svc || (svc.Version?.Index !== undefined && unchanged(svc.ID, svc.Version.Index)))
        continue;
      const snap = toSnapshot(svc, this.deps.opts.notifyLabel);
      work.push(this.serial.run(snap.id, () => this.apply(snap.id, snap, force)));
    }
    // Gone from the listing: confirm with an inspect, since the service may have been created
    // (and notified through its event) after the listing was taken.
    const known = new Set([...this.notified.keys(), ...this.waiting.keys()]);
    for (const id of known) {
      if (seen.has(id)) continue;
      work.push(
        this.serial.run(id, async () => {
          const svc = await this.docker('service inspect', () => this.deps.api.inspectService(id));
          await this.apply(id, svc ? toSnapshot(svc, this.deps.opts.notifyLabel) : null, false);
        }),
      );
    }
    await Promise.all(work);
    this.kickWaiter(true);
    await this.refreshNodeInfo();
    // A listing started after this long cannot contain a removed service any more.
    for (const [id, at] of this.removed) if (Date.now() - at > REMOVED_KEPT_MS) this.removed.delete(id);
    for (const id of this.versions.keys()) if (!seen.has(id)) this.versions.delete(id);
    this.deps.metrics?.reconcile.observe((performance.now() - started) / 1000);
    if (!this.firstReconcile) {
      this.firstReconcile = true;
      for (const r of this.readyWaiters.splice(0)) r();
      this.deps.log.info('initial reconcile done', { services: list.length, ...this.stats() });
    }
  }

  /** One observation of one service (null: it is gone). Always runs inside serial(id). */
  private async apply(id: string, snap: ServiceSnapshot | null, force: boolean): Promise<void> {
    if (snap) {
      if (this.removed.has(id)) return;
      const seenVersion = this.versions.get(id);
      if (seenVersion !== undefined && snap.version < seenVersion) return;
      this.versions.set(id, snap.version);
    } else {
      this.removed.set(id, Date.now());
      this.versions.delete(id);
    }
    if (!snap?.enabled) this.waiting.delete(id);
    for (const change of decide(this.notified.get(id), snap, { force })) {
      if (change.kind === 'remove') {
        this.notified.delete(id);
        this.nodeInfo.delete(id);
        this.send('remove', change.previous);
      } else if (waitsForTask(change, this.deps.opts.notifyImmediately) && !this.startedRecently(id)) {
        const before = this.waiting.get(id);
        this.waiting.set(id, { snapshot: change.snapshot, since: before?.since ?? Date.now() });
        this.deps.log.debug('waiting for a running task', { service: change.snapshot.name });
        this.kickWaiter(false);
      } else {
        await this.commit(change.snapshot);
      }
    }
    this.gauges();
  }

  /** Task container starts seen on this node (kept briefly: the start may beat the service's inspect). */
  private rememberStart(id: string): void {
    const now = Date.now();
    for (const [k, t] of this.taskStarts) if (now - t > STARTS_KEPT_MS) this.taskStarts.delete(k);
    this.taskStarts.set(id, now);
  }

  private startedRecently(id: string): boolean {
    const t = this.taskStarts.get(id);
    return t !== undefined && Date.now() - t <= STARTS_KEPT_MS;
  }

  private async commit(snap: ServiceSnapshot): Promise<void> {
    this.waiting.delete(snap.id);
    this.notified.set(snap.id, snap);
    if (this.wantsNodeInfo(snap)) {
      const info = await this.lookupNodeInfo([snap]).catch(() => null);
      if (info) this.setNodeInfo(snap.id, info.get(snap.id));
    }
    this.send('create', snap);
    this.gauges();
  }

  private send(kind: 'create' | 'remove', snap: ServiceSnapshot): void {
    const params =
      kind === 'create'
        ? createParams(snap, this.deps.opts, this.nodeInfo.get(snap.id))
        : removeParams(snap, this.deps.opts);
    this.deps.notify({ id: newRequestId(), service: params.serviceName ?? snap.name, kind, params });
  }

  private gauges(): void {
    this.deps.metrics?.services.set({ state: 'notified' }, this.notified.size);
    this.deps.metrics?.services.set({ state: 'waiting' }, this.waiting.size);
  }

  // ---- nodeInfo (DF_INCLUDE_NODE_IP_INFO) -------------------------------------------------------

  private wantsNodeInfo(snap: ServiceSnapshot): boolean {
    return this.deps.opts.includeNodeInfo === true && scrapeNetwork(snap) !== undefined;
  }

  private setNodeInfo(id: string, info: string | undefined): void {
    if (info === undefined) this.nodeInfo.delete(id);
    else this.nodeInfo.set(id, info);
  }

  /** nodeInfo of each service from one task listing and one node listing. */
  private async lookupNodeInfo(snaps: readonly ServiceSnapshot[]): Promise<Map<string, string | undefined>> {
    const { api } = this.deps;
    const [tasks, nodes] = await Promise.all([
      this.docker('task ls', () => api.activeTasks(snaps.map((s) => s.id))),
      this.docker('node ls', () => api.listNodes()),
    ]);
    const hostnames = new Map(nodes.map((n) => [n.id, n.hostname]));
    return new Map(
      snaps.map((s) => [
        s.id,
        nodeInfoParam(
          tasks.filter((t) => t.serviceId === s.id),
          hostnames,
          scrapeNetwork(s) ?? '',
        ),
      ]),
    );
  }

  /**
   * Tasks move, start and stop without a service event: after each reconcile (and a task start),
   * recompute nodeInfo of the notified services that carry it and re-send those whose nodeInfo
   * changed, as upstream's cache comparison does (nodeInfo is part of what it compares).
   */
  private async refreshNodeInfo(onlyId?: string): Promise<void> {
    const snaps = [...this.notified.values()].filter(
      (s) => this.wantsNodeInfo(s) && (onlyId === undefined || s.id === onlyId),
    );
    if (snaps.length === 0) return;
    const infos = await this.lookupNodeInfo(snaps).catch(() => null);
    if (!infos) return;
    await Promise.all(
      snaps.map((s) =>
        this.serial.run(s.id, () => {
          // Replaced meanwhile: its commit collected a newer nodeInfo.
          if (this.notified.get(s.id) !== s) return;
          const next = infos.get(s.id);
          if (next === this.nodeInfo.get(s.id)) return;
          this.setNodeInfo(s.id, next);
          this.send('create', s);
        }),
      ),
    );
  }

  // ---- waiting for the first running task ------------------------------------------------------

  /**
   * One batched task listing for every waiting service, repeated every taskPollMs while some wait
   * (for taskWaitMs each; `all` includes the older ones, once per reconcile).
   */
  private kickWaiter(all: boolean): void {
    this.waiterAll ||= all;
    if (this.waiterRunning) {
      this.waiterAgain = true;
      return;
    }
    this.waiterRunning = true;
    this.waiterLoop().catch((e: unknown) => {
      this.waiterRunning = false;
      this.deps.log.error('task poll failed', { error: errMsg(e) });
    });
  }

  private async waiterLoop(): Promise<void> {
    const { api, opts } = this.deps;
    for (;;) {
      if (this.stopCtl.signal.aborted) {
        this.waiterRunning = false;
        return;
      }
      this.waiterAgain = false;
      const all = this.waiterAll;
      this.waiterAll = false;
      const now = Date.now();
      const ids = [...this.waiting]
        .filter(([, w]) => all || now - w.since < opts.taskWaitMs)
        .map(([id]) => id);
      if (ids.length === 0) {
        // Cleared in the same synchronous step as the check, so a kick can never be lost.
        this.waiterRunning = false;
        return;
      }
      const running = await this.docker('task ls', () => api.servicesWithRunningTasks(ids)).catch(
        () => new Set<string>(),
      );
      for (const id of running) {
        void this.serial.run(id, async () => {
          const w = this.waiting.get(id);
          if (w) await this.commit(w.snapshot);
        });
      }
      if (!this.waiterAgain) await this.sleep(opts.taskPollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return abortableSleep(ms, this.stopCtl.signal);
  }

  private async docker<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      this.deps.metrics?.dockerErrors.inc({ operation });
      this.deps.log.warn('docker call failed', { operation, error: errMsg(e) });
      throw e;
    }
  }
}
