import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamIssue, ServiceSpec } from '@flowproxy/protocol';
import type { Logger } from '@flowproxy/runtime';
import { blameParam } from '../config/blame.js';
import type { ServiceRejection } from '../config/model.js';
import type { RenderedConfig } from '../config/settings.js';
import { failure, type Failure } from '../control/result.js';
import { PROXY_ERRORS } from '../errors/catalogue.js';
import type { CheckResult } from '../haproxy/check.js';
import type { MapEdit } from '../haproxy/runtime-api.js';
import { linesOf, summarizeCheckOutput } from '../haproxy/check.js';
import type { Metrics } from '../metrics.js';
import { Rejections, type Rejection } from '../state/rejections.js';
import { applyChanges, stateHash, type Change, type Services } from '../state/routing-state.js';
import { findRefused, type Verdict } from './bisect.js';
import { Coalescer, requestIds, type Pending } from './coalesce.js';
import { CFG_NAME, readIfExists, relocate, sameRendered, writeAtomic, writeRendered } from './files.js';
import { runtimePlan } from './runtime-plan.js';
import { LiveWriter, ReloadFailedError } from './writer.js';

/** Where a render places its files: the live config directory, or a scratch directory for `haproxy -c`. */
export interface Placement {
  readonly configDir: string;
  readonly certs: readonly string[];
}

export interface PipelineDeps {
  readonly configDir: string;
  readonly certsDir: string;
  /** Scratch directories for validation are made here. */
  readonly scratchDir: string;
  /** Routing state -> haproxy.cfg and files (render-adapter.ts: model -> text plus the operator's settings). */
  readonly render: (services: Services, place: Placement) => RenderedConfig;
  readonly check: (cfgFile: string) => Promise<CheckResult>;
  /** Reloads HAProxy with the files just written; rejects when it refused them. */
  readonly reload: () => Promise<void>;
  /**
   * Applies map edits to the running HAProxy (runtime API); rejects when any is refused. Without
   * it every change reloads.
   */
  readonly runtime?: (edits: readonly MapEdit[]) => Promise<void>;
  /** Certificate files currently on disk, in crt-list order. */
  readonly listCerts: () => string[];
  readonly persist: (services: Services) => void;
  readonly delayMs: number;
  /**
   * From this many services on, a batch is first checked alone (`haproxy -c` on a config holding
   * only the services it changes): at 10,000 services a whole check costs HAProxy about a second.
   * Default 1,000.
   */
  readonly partialCheckFrom?: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The pipeline's codes: the renderer or `haproxy -c` refused the change, the reload failed, a bug. */
export type PipelineFailure = Failure<'HAPROXY_REJECTED' | 'RENDER_REJECTED' | 'RELOAD_FAILED' | 'INTERNAL'>;

export type Outcome =
  | { readonly ok: true; readonly reloaded: boolean; readonly version: number; readonly hash: string }
  | PipelineFailure;

export type { Rejection };

type Item = Pending<Change, Outcome>;
type CertChange = Extract<Change, { kind: 'cert' }>;
const isCert = (c: Change): c is CertChange => c.kind === 'cert';
const changesOf = (items: readonly Item[]): Change[] => items.map((p) => p.item);

/** What `haproxy -c` said about a refused change: its output and the config it judged. */
interface CheckDetail {
  readonly output: string;
  readonly cfg: string;
}

/**
 * Every change goes through here, in three parts: coalescing (reload/coalesce.ts: changes that
 * arrive within `delayMs` or while a batch is in flight are applied together), the search for the
 * changes HAProxy refuses (reload/bisect.ts over `haproxy -c` in a scratch directory), and writing
 * and reloading (reload/writer.ts). Per batch: apply to a copy of the state -> render (services the
 * renderer leaves out are refused first, from its typed rejections) -> unchanged bytes mean no
 * reload -> validate, bisecting -> atomic write -> reload -> commit. Every caller learns the outcome
 * of its own change once the reload that contains it is confirmed.
 */
export class ReloadPipeline {
  private committed: Services = new Map();
  private versionN = 0;
  private hashV = stateHash(new Map());
  private running: RenderedConfig | undefined;
  private readonly queue: Coalescer<Change, Outcome>;
  private readonly writer: LiveWriter;
  readonly rejected: Rejections;

  constructor(private readonly deps: PipelineDeps) {
    this.rejected = new Rejections(deps.metrics.rejected);
    // No wait before a batch: a change to a service that exists may need no reload at all, and
    // waiting is process()'s decision (gather()).
    this.queue = new Coalescer(
      0,
      (batch) => this.process(batch),
      (e) => {
        deps.logger.error('reload pipeline failed', { event: 'reload', outcome: 'error', error: e.message });
        return failure('INTERNAL', e.message);
      },
    );
    this.writer = new LiveWriter({
      configDir: deps.configDir,
      certsDir: deps.certsDir,
      reload: deps.reload,
      onRestoreFailed: (err) =>
        deps.logger.error('reload of the restored configuration failed', {
          event: 'reload',
          outcome: 'failed',
          error: err.message,
        }),
    });
  }

  get services(): Services {
    return this.committed;
  }

  /**
   * The service is live, or an upsert of it is queued or being applied: a remove arriving then
   * must follow it (found by npm run soak: a remove answered "unknown" while the service's create
   * was still reloading, and the create then went live after its service was gone).
   */
  has(serviceName: string): boolean {
    return (
      this.committed.has(serviceName) ||
      this.queue.pending().some((c) => c.kind === 'upsert' && c.spec.serviceName === serviceName)
    );
  }
  get version(): number {
    return this.versionN;
  }
  get hash(): string {
    return this.hashV;
  }
  get runningConfig(): string | undefined {
    return this.running?.haproxyCfg ?? readIfExists(join(this.deps.configDir, CFG_NAME));
  }

  /**
   * Start-up: takes the persisted services, drops those that no longer validate (bisecting), and
   * writes the files HAProxy will be started or reloaded with. Returns the names dropped.
   */
  async prepare(specs: readonly ServiceSpec[]): Promise<{ name: string; message: string }[]> {
    const items: Item[] = specs.map((spec) => ({ item: { kind: 'upsert', spec }, resolve: () => undefined }));
    const search = await findRefused(items, (accepted, candidates) =>
      this.check(new Map(), [...accepted, ...candidates]),
    );
    const services = applyChanges(new Map(), changesOf(search.accepted));
    const rendered = this.deps.render(services, this.livePlace());
    writeRendered(this.deps.configDir, rendered, undefined);
    this.running = rendered;
    this.commit(services);
    return search.refused.map(({ item, detail }) => {
      const name = item.item.kind === 'upsert' ? item.item.spec.serviceName : '?';
      const message = summarizeCheckOutput(detail.output).join('; ');
      this.deps.logger.warn('change rejected by haproxy -c', {
        event: 'validate',
        outcome: 'rejected',
        startup: true,
        serviceName: name,
      });
      this.rejected.record(name, {
        status: PROXY_ERRORS.HAPROXY_REJECTED.status,
        code: 'HAPROXY_REJECTED',
        source: 'haproxy-check',
        message,
        errors: [],
      });
      return { name, message };
    });
  }

  submit(change: Change): Promise<Outcome> {
    return this.queue.submit(change);
  }

  submitAll(changes: readonly Change[]): Promise<Outcome[]> {
    return Promise.all(changes.map((c) => this.submit(c)));
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** A request refused before it reached the pipeline (control's validation). */
  recordRejection(serviceName: string, r: Omit<Rejection, 'at'>): void {
    this.rejected.record(serviceName, r);
  }

  private livePlace(): Placement {
    return { configDir: this.deps.configDir, certs: this.deps.listCerts() };
  }

  /**
   * One batch. `wholeCheck` forces `haproxy -c` on the whole candidate state (the retry after a
   * reload failed although the batch's own services passed their check).
   */
  private async process(arrived: Item[], wholeCheck = false): Promise<void> {
    const all = wholeCheck ? arrived : await this.gather(arrived);
    const started = process.hrtime.bigint();
    const m = this.deps.metrics;
    m.batchSize.observe(all.length);
    const force = all.some((p) => p.item.kind === 'refresh');
    // Services the renderer leaves out (unsafe value, name clash) are refused before anything else.
    const first = this.deps.render(applyChanges(this.committed, changesOf(all)), this.livePlace());
    this.logWarnings(first.warnings ?? []);
    const leftOut = new Map<string, ServiceRejection>();
    for (const r of first.rejections ?? []) if (!leftOut.has(r.serviceName)) leftOut.set(r.serviceName, r);
    const batch: Item[] = [];
    for (const p of all) {
      const r = p.item.kind === 'upsert' ? leftOut.get(p.item.spec.serviceName) : undefined;
      if (r) p.resolve(this.renderRejection(r));
      else batch.push(p);
    }
    if (batch.length === 0) return;
    const anyCert = batch.some((p) => isCert(p.item));
    const whole = applyChanges(this.committed, changesOf(batch));
    // The render of the batch as it would go live; reused for validation and writing (a render of
    // 1,000 services costs tens of ms and its garbage is what the control plane's memory is made of).
    const candidate = anyCert
      ? undefined
      : batch.length === all.length
        ? first
        : this.deps.render(whole, this.livePlace());
    // Fast path: the batch renders to the running bytes (duplicates, resyncs with no change).
    if (candidate && !force && sameRendered(this.running, candidate)) {
      this.settle(batch, whole, false);
      return;
    }
    // Hot path: only map entries differ (a path or domain of an existing service): HAProxy takes
    // them at runtime, no check and no reload. Anything the runtime API refuses goes on below.
    if (candidate && !force && (await this.applyAtRuntime(candidate, batch))) {
      this.settle(batch, whole, false, () =>
        this.deps.logger.info('applied at runtime', {
          event: 'runtime',
          outcome: 'ok',
          changes: batch.length,
          durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
          version: this.versionN,
          requestIds: requestIds(batch),
        }),
      );
      return;
    }
    // A large state checks the batch's services alone first: what they contain is what can be
    // wrong. Only a whole check refuses a change, and a reload that fails anyway is retried below
    // with whole checks, so a partial pass never costs another service its route.
    const partial = !wholeCheck && this.committed.size >= (this.deps.partialCheckFrom ?? 1000);
    const checkWhole = (
      accepted: readonly Item[],
      candidates: readonly Item[],
    ): Promise<Verdict<CheckDetail>> =>
      this.check(
        this.committed,
        [...accepted, ...candidates],
        accepted.length === 0 && candidates.length === batch.length ? candidate : undefined,
      );
    const search = await findRefused(batch, async (accepted, candidates) => {
      if (!partial) return checkWhole(accepted, candidates);
      const alone = await this.check(new Map(), [...accepted, ...candidates]);
      return alone.ok ? alone : checkWhole(accepted, candidates);
    });
    for (const { item, detail } of search.refused) {
      this.deps.logger.warn('change rejected by haproxy -c', {
        event: 'validate',
        outcome: 'rejected',
        startup: false,
        serviceName: item.item.kind === 'upsert' ? item.item.spec.serviceName : item.item.kind,
      });
      item.resolve(this.checkRejection(item.item, detail));
    }
    const accepted = search.accepted;
    if (accepted.length === 0) return;
    const services = applyChanges(this.committed, changesOf(accepted));

    const certs = this.writer.writeCerts(changesOf(accepted).filter(isCert));
    const rendered =
      candidate && accepted.length === batch.length
        ? candidate
        : this.deps.render(services, this.livePlace());
    if (sameRendered(this.running, rendered) && !force) {
      this.settle(accepted, services, false);
      return;
    }
    try {
      await this.writer.apply(rendered, this.running, certs);
    } catch (e) {
      if (!(e instanceof ReloadFailedError)) throw e;
      m.reloads.inc({ outcome: 'failed' });
      if (partial) {
        this.deps.logger.warn('reload failed after a partial check: checking the whole configuration', {
          event: 'reload',
          outcome: 'retry',
          changes: accepted.length,
          error: e.message,
          requestIds: requestIds(accepted),
        });
        await this.process(accepted, true);
        return;
      }
      this.deps.logger.error(e.message, {
        event: 'reload',
        outcome: 'failed',
        changes: batch.length,
        requestIds: requestIds(accepted),
      });
      for (const p of accepted) p.resolve(failure('RELOAD_FAILED', e.message));
      return;
    }
    this.running = rendered;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    m.reloads.inc({ outcome: 'ok' });
    m.reloadSeconds.observe(seconds);
    this.settle(accepted, services, true, () =>
      this.deps.logger.info('reloaded', {
        event: 'reload',
        outcome: 'ok',
        changes: accepted.length,
        rejected: search.refused.length,
        durationMs: Math.round(seconds * 1000),
        version: this.versionN,
        requestIds: requestIds(accepted),
      }),
    );
  }

  /**
   * A batch that adds or removes services (or certificates, or forces a reload) will reload:
   * it waits `delayMs` for more changes to join it, one reload for a burst. Changes to services
   * that exist go at once: a path or domain needs no reload at all (runtime API).
   */
  private async gather(batch: Item[]): Promise<Item[]> {
    const known = batch.every((p) => p.item.kind === 'upsert' && this.committed.has(p.item.spec.serviceName));
    if (known || this.deps.delayMs <= 0) return batch;
    await new Promise((r) => setTimeout(r, this.deps.delayMs));
    return [...batch, ...this.queue.takeQueued()];
  }

  /**
   * Writes the candidate's files, then sends its map edits to HAProxy: files first, so a reload
   * that comes after (ours, a restart of HAProxy, an adopting control plane) includes the change,
   * and the files always hold what runs. False (nothing live yet, or the runtime API refused) means
   * the batch needs a reload; the files then already hold its target state, and a failed reload
   * restores the running ones.
   */
  private async applyAtRuntime(candidate: RenderedConfig, batch: readonly Item[]): Promise<boolean> {
    const runtime = this.deps.runtime;
    if (!runtime || !this.running) return false;
    const edits = runtimePlan(this.running, candidate);
    if (!edits) return false;
    // Only the maps differ (runtimePlan checked): haproxy.cfg, megabytes at 10,000 services, stays.
    for (const file of new Set(edits.map((e) => e.file)))
      writeAtomic(join(this.deps.configDir, file), candidate.files[file] ?? '');
    try {
      await runtime(edits);
    } catch (e) {
      this.deps.metrics.runtimeUpdates.inc({ outcome: 'fallback' });
      this.deps.logger.warn('runtime API refused the change: reloading instead', {
        event: 'runtime',
        outcome: 'fallback',
        edits: edits.length,
        error: (e as Error).message,
        requestIds: requestIds(batch),
      });
      return false;
    }
    this.deps.metrics.runtimeUpdates.inc({ outcome: 'applied' });
    this.running = candidate;
    return true;
  }

  /** Commits `services` and answers the accepted changes (an accepted change clears its service's rejection). */
  private settle(accepted: readonly Item[], services: Services, reloaded: boolean, log?: () => void): void {
    for (const { item } of accepted) {
      if (item.kind === 'upsert') this.rejected.clear(item.spec.serviceName);
      if (item.kind === 'remove') this.rejected.clear(item.serviceName);
    }
    this.commit(services);
    log?.();
    for (const p of accepted) p.resolve({ ok: true, reloaded, version: this.versionN, hash: this.hashV });
  }

  private lastWarnings = new Set<string>();
  private logWarnings(warnings: readonly string[]): void {
    for (const w of warnings)
      if (!this.lastWarnings.has(w)) this.deps.logger.warn(w, { event: 'render.warning' });
    this.lastWarnings = new Set(warnings);
  }

  private renderRejection(r: ServiceRejection): PipelineFailure {
    const message = `service ${r.serviceName} is not configured: ${r.reason}`;
    const errors: ParamIssue[] = [
      { param: r.parameter ?? 'serviceName', code: 'PARAM_INVALID', message: r.reason },
    ];
    this.rejected.record(r.serviceName, {
      status: PROXY_ERRORS.RENDER_REJECTED.status,
      code: 'RENDER_REJECTED',
      source: r.source,
      message,
      errors,
    });
    this.deps.logger.warn('reconfigure rejected', {
      event: 'render',
      outcome: 'rejected',
      serviceName: r.serviceName,
      message,
    });
    return failure('RENDER_REJECTED', message, errors);
  }

  private checkRejection(change: Change, detail: CheckDetail): PipelineFailure {
    const lines = summarizeCheckOutput(detail.output);
    const cfgLines = detail.cfg.split('\n');
    const blamed = linesOf(detail.output).map((n) => cfgLines[n - 1]);
    const spec = change.kind === 'upsert' ? change.spec : undefined;
    const param = spec ? blameParam(spec, blamed[0]) : change.kind === 'cert' ? 'certName' : 'serviceName';
    const what = spec
      ? `service ${spec.serviceName}`
      : change.kind === 'cert'
        ? `certificate ${change.name}`
        : 'the change';
    const message = `HAProxy rejected the configuration of ${what}: ${lines[0] ?? 'invalid configuration'}`;
    const errors: ParamIssue[] = [{ param, code: 'PARAM_INVALID', message: lines.join('; ') }];
    if (spec)
      this.rejected.record(spec.serviceName, {
        status: PROXY_ERRORS.HAPROXY_REJECTED.status,
        code: 'HAPROXY_REJECTED',
        source: 'haproxy-check',
        message,
        errors,
      });
    return failure('HAPROXY_REJECTED', message, errors);
  }

  private commit(services: Services): void {
    const hash = stateHash(services);
    if (hash !== this.hashV) {
      this.versionN += 1;
      this.hashV = hash;
      this.deps.persist(services);
    }
    this.committed = services;
    const m = this.deps.metrics;
    m.services.set(services.size);
    m.stateVersion.set(this.versionN);
    // one series per replica, labelled with its hash: Prometheus counts the distinct states
    m.stateInfo.reset();
    m.stateInfo.set({ hash: this.hashV }, 1);
  }

  /**
   * The checker the search runs: `haproxy -c` on `base` plus `items` rendered into a scratch
   * directory (their new certificates included there); `prerendered` saves a render.
   */
  private async check(
    base: Services,
    items: readonly Item[],
    prerendered?: RenderedConfig,
  ): Promise<Verdict<CheckDetail>> {
    const changes = changesOf(items);
    const services = applyChanges(base, changes);
    const certs = changes.filter(isCert);
    mkdirSync(this.deps.scratchDir, { recursive: true });
    const dir = mkdtempSync(join(this.deps.scratchDir, 'check-'));
    try {
      const certPaths = this.deps
        .listCerts()
        .filter((p) => !certs.some((c) => p === join(this.deps.certsDir, c.name)));
      for (const c of certs) {
        if (c.pem === null) continue;
        const file = join(dir, 'certs', c.name);
        mkdirSync(join(dir, 'certs'), { recursive: true });
        writeFileSync(file, c.pem);
        certPaths.push(file);
      }
      const rendered =
        prerendered && certs.length === 0
          ? relocate(prerendered, this.deps.configDir, dir)
          : this.deps.render(services, { configDir: dir, certs: certPaths });
      writeRendered(dir, rendered);
      const check = await this.deps.check(join(dir, CFG_NAME));
      this.deps.metrics.validations.inc({ outcome: check.ok ? 'ok' : 'invalid' });
      return check.ok
        ? { ok: true }
        : { ok: false, detail: { output: check.output, cfg: rendered.haproxyCfg } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
