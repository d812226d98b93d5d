import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamIssue, ServiceSpec } from '@flowproxy/protocol';
import { currentRequestId, outsideRequest, type Logger } from '@flowproxy/runtime';
import type { RenderedConfig } from '../config/settings.js';
import type { CheckResult } from '../haproxy/check.js';
import { linesOf, summarizeCheckOutput } from '../haproxy/check.js';
import type { Metrics } from '../metrics.js';
import { applyChanges, stateHash, type Change, type Services } from '../state/routing-state.js';
import { blameParam } from './blame.js';
import { CFG_NAME, readIfExists, relocate, sameRendered, writeAtomic, writeRendered } from './files.js';

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
  readonly render: (services: Services, place: Placement) => RenderedConfig;
  readonly check: (cfgFile: string) => Promise<CheckResult>;
  /** Reloads HAProxy with the files just written; rejects when it refused them. */
  readonly reload: () => Promise<void>;
  /** Certificate files currently on disk, in crt-list order. */
  readonly listCerts: () => string[];
  readonly persist: (services: Services) => void;
  readonly delayMs: number;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type Outcome =
  | { readonly ok: true; readonly reloaded: boolean; readonly version: number; readonly hash: string }
  | {
      readonly ok: false;
      readonly status: 400 | 500;
      readonly code: 'HAPROXY_REJECTED' | 'RENDER_REJECTED' | 'RELOAD_FAILED' | 'INTERNAL';
      readonly message: string;
      readonly errors: readonly ParamIssue[];
    };

export interface Rejection {
  readonly at: string;
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly errors: readonly ParamIssue[];
}

interface Pending {
  readonly change: Change;
  readonly resolve: (o: Outcome) => void;
  /** The notification that asked for it (X-Request-Id), named in the reload's log line. */
  readonly requestId?: string;
}

/** The distinct request ids of a batch, for the reload's log line. */
const requestIds = (batch: readonly Pending[]): string[] => [
  ...new Set(batch.flatMap((p) => (p.requestId ? [p.requestId] : []))),
];

type CertChange = Extract<Change, { kind: 'cert' }>;
const isCert = (c: Change): c is CertChange => c.kind === 'cert';

interface Selection {
  readonly services: Services;
  readonly accepted: Pending[];
  readonly rejected: { readonly p: Pending; readonly output: string; readonly cfg: string }[];
}

/** `service <name> is not configured: <reason>` warnings of the renderer, by service name. */
export function notConfigured(warnings: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of warnings) {
    const m = /^service (\S+) is not configured: (.*)$/s.exec(w);
    if (m?.[1] && !out.has(m[1])) out.set(m[1], m[2] ?? '');
  }
  return out;
}

/**
 * Every change goes through here: apply to a copy of the state -> render -> unchanged bytes mean no
 * reload -> `haproxy -c` in a scratch directory -> atomic write -> reload -> commit. Changes that
 * arrive within `delayMs` or while a batch is in flight are applied together; every caller learns
 * the outcome of its own change once the reload that contains it is confirmed. A batch that fails
 * validation is bisected so only the changes that break the config are rejected.
 */
export class ReloadPipeline {
  private committed: Services = new Map();
  private versionN = 0;
  private hashV = stateHash(new Map());
  private running: RenderedConfig | undefined;
  private readonly queue: Pending[] = [];
  /** The batch being applied (validate, write, reload): not committed yet, no longer queued. */
  private inflight: readonly Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private idleWaiters: (() => void)[] = [];
  readonly rejected = new Map<string, Rejection>();

  constructor(private readonly deps: PipelineDeps) {}

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
      [...this.inflight, ...this.queue].some(
        (p) => p.change.kind === 'upsert' && p.change.spec.serviceName === serviceName,
      )
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
    const pending: Pending[] = specs.map((spec) => ({
      change: { kind: 'upsert', spec },
      resolve: () => undefined,
    }));
    const sel = await this.select(new Map(), pending, true);
    const rendered = this.deps.render(sel.services, {
      configDir: this.deps.configDir,
      certs: this.deps.listCerts(),
    });
    writeRendered(this.deps.configDir, rendered, undefined);
    this.running = rendered;
    this.commit(sel.services);
    return sel.rejected.map((r) => {
      const name = r.p.change.kind === 'upsert' ? r.p.change.spec.serviceName : '?';
      const message = summarizeCheckOutput(r.output).join('; ');
      this.rejected.set(name, {
        at: new Date().toISOString(),
        status: 400,
        code: 'HAPROXY_REJECTED',
        message,
        errors: [],
      });
      return { name, message };
    });
  }

  submit(change: Change): Promise<Outcome> {
    return new Promise((resolve) => {
      const requestId = currentRequestId();
      this.queue.push({ change, resolve, ...(requestId ? { requestId } : {}) });
      this.schedule();
    });
  }

  submitAll(changes: readonly Change[]): Promise<Outcome[]> {
    return Promise.all(changes.map((c) => this.submit(c)));
  }

  /** Resolves once nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.busy && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  recordRejection(serviceName: string, r: Omit<Rejection, 'at'>): void {
    this.rejected.set(serviceName, { at: new Date().toISOString(), ...r });
    this.deps.metrics.rejected.set(this.rejected.size);
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
      this.deps.delayMs,
    );
  }

  private async flush(): Promise<void> {
    this.busy = true;
    const batch = this.queue.splice(0);
    this.inflight = batch;
    try {
      await this.process(batch);
    } catch (e) {
      const message = (e as Error).message;
      this.deps.logger.error('reload pipeline failed', { event: 'reload', outcome: 'error', error: message });
      for (const p of batch) p.resolve({ ok: false, status: 500, code: 'INTERNAL', message, errors: [] });
    } finally {
      this.inflight = [];
      this.busy = false;
      if (this.queue.length > 0) this.schedule();
      else for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async process(all: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    const m = this.deps.metrics;
    m.batchSize.observe(all.length);
    const force = all.some((p) => p.change.kind === 'refresh');
    // Services the renderer leaves out (unsafe value, name clash) are refused before anything else.
    const first = this.deps.render(
      applyChanges(
        this.committed,
        all.map((p) => p.change),
      ),
      { configDir: this.deps.configDir, certs: this.deps.listCerts() },
    );
    this.logWarnings(first.warnings ?? []);
    const skipped = notConfigured(first.warnings ?? []);
    const batch: Pending[] = [];
    for (const p of all) {
      const reason = p.change.kind === 'upsert' ? skipped.get(p.change.spec.serviceName) : undefined;
      if (reason !== undefined && p.change.kind === 'upsert')
        p.resolve(this.renderRejection(p.change.spec, reason));
      else batch.push(p);
    }
    if (batch.length === 0) return;
    const allCerts = batch.map((p) => p.change).filter(isCert);
    // Fast path: the batch renders to the running bytes (duplicates, resyncs with no change).
    const whole = applyChanges(
      this.committed,
      batch.map((p) => p.change),
    );
    // The render of the batch as it would go live; reused for validation and writing (a render of
    // 1,000 services costs tens of ms and its garbage is what the control plane's memory is made of).
    const candidate =
      allCerts.length > 0
        ? undefined
        : batch.length === all.length
          ? first
          : this.deps.render(whole, { configDir: this.deps.configDir, certs: this.deps.listCerts() });
    if (candidate && !force && sameRendered(this.running, candidate)) {
      this.clearRejections(batch);
      this.commit(whole);
      for (const p of batch) p.resolve(this.ok(false));
      return;
    }
    const sel = await this.select(this.committed, batch, false, candidate);
    for (const r of sel.rejected) r.p.resolve(this.rejectionOf(r.p.change, r.output, r.cfg));
    if (sel.accepted.length === 0) return;

    const certs = sel.accepted.map((p) => p.change).filter(isCert);
    const previousCerts = certs.map((c) => ({
      file: join(this.deps.certsDir, c.name),
      content: readIfExists(join(this.deps.certsDir, c.name)),
    }));
    mkdirSync(this.deps.certsDir, { recursive: true });
    for (const c of certs) {
      const file = join(this.deps.certsDir, c.name);
      if (c.pem === null) rmSync(file, { force: true });
      else writeAtomic(file, c.pem);
    }
    const rendered =
      candidate && sel.accepted.length === batch.length
        ? candidate
        : this.deps.render(sel.services, { configDir: this.deps.configDir, certs: this.deps.listCerts() });
    if (sameRendered(this.running, rendered) && !force) {
      this.clearRejections(sel.accepted);
      this.commit(sel.services);
      for (const p of sel.accepted) p.resolve(this.ok(false));
      return;
    }
    const previous = this.running;
    writeRendered(this.deps.configDir, rendered, previous);
    try {
      await this.deps.reload();
    } catch (e) {
      const message = `HAProxy reload failed, the previous configuration was restored: ${(e as Error).message}`;
      m.reloads.inc({ outcome: 'failed' });
      this.deps.logger.error(message, {
        event: 'reload',
        outcome: 'failed',
        changes: batch.length,
        requestIds: requestIds(sel.accepted),
      });
      for (const pc of previousCerts) {
        if (pc.content === undefined) rmSync(pc.file, { force: true });
        else writeAtomic(pc.file, pc.content);
      }
      if (previous) {
        writeRendered(this.deps.configDir, previous, rendered);
        await this.deps.reload().catch((err: Error) =>
          this.deps.logger.error('reload of the restored configuration failed', {
            event: 'reload',
            outcome: 'failed',
            error: err.message,
          }),
        );
      }
      for (const p of sel.accepted)
        p.resolve({ ok: false, status: 500, code: 'RELOAD_FAILED', message, errors: [] });
      return;
    }
    this.running = rendered;
    this.clearRejections(sel.accepted);
    this.commit(sel.services);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    m.reloads.inc({ outcome: 'ok' });
    m.reloadSeconds.observe(seconds);
    this.deps.logger.info('reloaded', {
      event: 'reload',
      outcome: 'ok',
      changes: sel.accepted.length,
      rejected: sel.rejected.length,
      durationMs: Math.round(seconds * 1000),
      version: this.versionN,
      requestIds: requestIds(sel.accepted),
    });
    for (const p of sel.accepted) p.resolve(this.ok(true));
  }

  private lastWarnings = new Set<string>();
  private logWarnings(warnings: readonly string[]): void {
    for (const w of warnings)
      if (!this.lastWarnings.has(w)) this.deps.logger.warn(w, { event: 'render.warning' });
    this.lastWarnings = new Set(warnings);
  }

  private renderRejection(spec: ServiceSpec, reason: string): Outcome {
    const param =
      [...Object.keys(spec), ...Object.keys(spec.destinations[0] ?? {})].find(
        (k) => k !== 'serviceName' && new RegExp(`\\b${k}\\b`).test(reason),
      ) ?? 'serviceName';
    const message = `service ${spec.serviceName} is not configured: ${reason}`;
    const errors: ParamIssue[] = [{ param, code: 'PARAM_INVALID', message: reason }];
    this.recordRejection(spec.serviceName, { status: 400, code: 'RENDER_REJECTED', message, errors });
    this.deps.logger.warn('reconfigure rejected', {
      event: 'render',
      outcome: 'rejected',
      serviceName: spec.serviceName,
      message,
    });
    return { ok: false, status: 400, code: 'RENDER_REJECTED', message, errors };
  }

  private ok(reloaded: boolean): Outcome {
    return { ok: true, reloaded, version: this.versionN, hash: this.hashV };
  }

  /** An accepted change of a service supersedes its earlier rejection. */
  private clearRejections(accepted: readonly Pending[]): void {
    for (const { change } of accepted) {
      if (change.kind === 'upsert') this.rejected.delete(change.spec.serviceName);
      if (change.kind === 'remove') this.rejected.delete(change.serviceName);
    }
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
    m.rejected.set(this.rejected.size);
    // one series per replica, labelled with its hash: Prometheus counts the distinct states
    m.stateInfo.reset();
    m.stateInfo.set({ hash: this.hashV }, 1);
  }

  private rejectionOf(change: Change, output: string, cfg: string): Outcome {
    const lines = summarizeCheckOutput(output);
    const cfgLines = cfg.split('\n');
    const blamed = linesOf(output).map((n) => cfgLines[n - 1]);
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
      this.recordRejection(spec.serviceName, { status: 400, code: 'HAPROXY_REJECTED', message, errors });
    this.deps.metrics.reconfigures.inc({ outcome: 'haproxy-rejected' });
    return { ok: false, status: 400, code: 'HAPROXY_REJECTED', message, errors };
  }

  /** Validates base + changes; on failure bisects so that only the changes that break it are dropped. */
  private async select(
    base: Services,
    changes: Pending[],
    startup: boolean,
    prerendered?: RenderedConfig,
  ): Promise<Selection> {
    if (changes.length === 0) return { services: base, accepted: [], rejected: [] };
    const services = applyChanges(
      base,
      changes.map((p) => p.change),
    );
    const res = await this.validate(services, changes.map((p) => p.change).filter(isCert), prerendered);
    if (res.check.ok) return { services, accepted: changes, rejected: [] };
    if (changes.length === 1) {
      const only = changes[0] as Pending;
      this.deps.logger.warn('change rejected by haproxy -c', {
        event: 'validate',
        outcome: 'rejected',
        startup,
        serviceName: only.change.kind === 'upsert' ? only.change.spec.serviceName : only.change.kind,
      });
      return {
        services: base,
        accepted: [],
        rejected: [{ p: only, output: res.check.output, cfg: res.cfg }],
      };
    }
    const half = Math.ceil(changes.length / 2);
    const first = await this.select(base, changes.slice(0, half), startup);
    const second = await this.select(first.services, changes.slice(half), startup);
    return {
      services: second.services,
      accepted: [...first.accepted, ...second.accepted],
      rejected: [...first.rejected, ...second.rejected],
    };
  }

  /** `haproxy -c` on a render placed in a scratch directory (new certificates included there). */
  private async validate(
    services: Services,
    certs: readonly CertChange[],
    prerendered?: RenderedConfig,
  ): Promise<{ check: CheckResult; cfg: string }> {
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
      return { check, cfg: rendered.haproxyCfg };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
