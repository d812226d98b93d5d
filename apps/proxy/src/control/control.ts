import {
  parseRemoveRequest,
  parseServiceSpec,
  type ParamInput,
  type ParamIssue,
  type ServiceSpec,
  type UnknownParams,
} from '@flowproxy/protocol';
import { currentRequestId, type Logger } from '@flowproxy/runtime';
import type { Metrics } from '../metrics.js';
import { PROXY_ERRORS } from '../errors/catalogue.js';
import type { Outcome, ReloadPipeline } from '../reload/pipeline.js';
import { validateCertificate } from '../state/cert-check.js';
import { certFileName } from '../state/certs.js';
import { sameSpec, type Change } from '../state/routing-state.js';
import { ManualChanges } from '../sync/manual-changes.js';
import { resyncRemovals, type Missing } from '../sync/removals.js';
import { looksHashed, UsersError, type ResolvedUsers } from '../state/users.js';
import type { ChangeJournal } from '../status/journal.js';
import type { ChangeEntry } from '../status/types.js';
import { ParamWarnings } from './param-warnings.js';
import { failure, success, type Failure, type Result } from './result.js';

export interface ControlOptions {
  readonly separator: string;
  readonly allowRawConfig: boolean;
  readonly unknownParams: UnknownParams;
  readonly filterProxyInstanceName: boolean;
  readonly proxyInstanceName: string;
  /** A service missing from the listener's answers is removed after this long (and two answers). */
  readonly resyncRemoveAfterMs: number;
}

/**
 * What the use cases read from disk, through the named adapters of state/ (wired in
 * app/create-proxy.ts): control/ itself opens no file.
 */
export interface ControlReads {
  /** A service's users with `usersSecret` and USERS resolved; throws UsersError naming the parameter. */
  readonly users: (spec: ServiceSpec) => ResolvedUsers;
  /** The content of a certificate file in CERTS_DIR, undefined when absent. */
  readonly certFile: (name: string) => string | undefined;
}

const ms = (t0: bigint): number => Math.round(Number(process.hrtime.bigint() - t0) / 1e6);

/**
 * The proxy's use cases, independent of HTTP: reconfigure, remove, reload, apply a certificate and
 * replace the whole state (listener resync). Input is validated by the protocol package; every
 * accepted change goes through the reload pipeline, so a 200 means the change is live.
 */
export class ProxyControl {
  /** Warnings of each service's current definition (unknown names, deprecated aliases). */
  readonly warnings: ParamWarnings;
  /** Services missing from the latest listener answers, not removed yet (see resyncRemovals). */
  private missing: ReadonlyMap<string, Missing> = new Map();
  /** Manual changes the resync keeps (see ManualChanges). */
  readonly manual = new ManualChanges();

  constructor(
    private readonly pipeline: ReloadPipeline,
    private readonly opts: ControlOptions,
    private readonly reads: ControlReads,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly journal?: ChangeJournal,
  ) {
    this.warnings = new ParamWarnings(metrics, logger);
  }

  /** Keeps the change for the status page, with the notification id it came with. */
  private note(entry: Omit<ChangeEntry, 'at' | 'version' | 'requestId'>): void {
    const requestId = currentRequestId();
    this.journal?.record({ ...entry, version: this.pipeline.version, ...(requestId ? { requestId } : {}) });
  }

  /** Parses and checks a reconfigure request; the changes it implies, or the reply refusing it. */
  plan(
    input: ParamInput,
  ):
    | { ok: true; spec: ServiceSpec; changes: Change[]; note?: string }
    | { ok: false; failure: Failure; serviceName?: string } {
    const parsed = parseServiceSpec(input, {
      separator: this.opts.separator,
      allowRawConfig: this.opts.allowRawConfig,
      unknownParams: this.opts.unknownParams,
    });
    if (!parsed.ok) {
      const first = parsed.errors[0];
      const code = parsed.status === 409 ? 'PATH_OR_DOMAIN_REQUIRED' : 'PARAM_INVALID';
      const name = nameOf(input);
      return {
        ok: false,
        failure: failure(
          code,
          first?.message ?? 'invalid request',
          parsed.errors,
          name ? { ServiceName: name } : {},
        ),
        ...(name ? { serviceName: name } : {}),
      };
    }
    const spec = parsed.spec;
    if (
      this.opts.filterProxyInstanceName &&
      (spec.proxyInstanceName ?? 'docker-flow') !== this.opts.proxyInstanceName
    ) {
      const changes: Change[] = this.pipeline.services.has(spec.serviceName)
        ? [{ kind: 'remove', serviceName: spec.serviceName }]
        : [];
      this.warnings.forget(spec.serviceName);
      return {
        ok: true,
        spec,
        changes,
        note: `ignored: proxyInstanceName is not ${this.opts.proxyInstanceName}`,
      };
    }
    if (spec.replicas === 0) {
      const changes: Change[] = this.pipeline.services.has(spec.serviceName)
        ? [{ kind: 'remove', serviceName: spec.serviceName }]
        : [];
      this.warnings.forget(spec.serviceName);
      return { ok: true, spec, changes, note: 'replicas=0: removed' };
    }
    this.warnings.record(spec.serviceName, parsed.warnings);
    try {
      const users = this.reads.users(spec);
      if (looksHashed(users)) {
        this.logger.warn(
          'a hashed userlist protects this service: HAProxy runs crypt() on every request (SHA-512 about 1.5k requests/s per core, yescrypt about 100)',
          { event: 'auth.hashed', serviceName: spec.serviceName },
        );
      }
    } catch (e) {
      if (!(e instanceof UsersError)) throw e;
      const issue: ParamIssue = { param: e.param, code: 'PARAM_INVALID', message: e.message };
      return {
        ok: false,
        failure: failure('PARAM_INVALID', e.message, [issue], { ServiceName: spec.serviceName }),
        serviceName: spec.serviceName,
      };
    }
    const changes: Change[] = [];
    if (spec.serviceCert !== undefined) {
      const file = serviceCertFile(spec);
      const invalid = (message: string): { ok: false; failure: Failure; serviceName: string } => ({
        ok: false,
        failure: failure(
          file ? 'CERT_INVALID' : 'PARAM_INVALID',
          `serviceCert: ${message}`,
          [{ param: 'serviceCert', code: 'PARAM_INVALID', message }],
          { ServiceName: spec.serviceName },
        ),
        serviceName: spec.serviceName,
      });
      if (!file) return invalid('the first serviceDomain (or serviceName) cannot name a certificate file');
      const pem = pemText(spec.serviceCert);
      // The same certificate again (a resync, a repeated notification) is already on disk and valid.
      if (this.reads.certFile(file) !== pem) {
        const check = validateCertificate(pem);
        if (!check.ok) return invalid(check.message);
        changes.push({ kind: 'cert', name: file, pem });
      }
    }
    changes.push(...this.certCleanup(this.pipeline.services.get(spec.serviceName), spec));
    changes.push({ kind: 'upsert', spec });
    return { ok: true, spec, changes };
  }

  /**
   * The certificate file a service wrote with `serviceCert`, deleted when the service is removed or
   * no longer writes it there, unless its content was replaced since (PUT /cert) or another service
   * writes the same file: a removed service leaves no certificate behind.
   */
  private certCleanup(old: ServiceSpec | undefined, next: ServiceSpec | undefined): Change[] {
    if (old?.serviceCert === undefined) return [];
    const file = serviceCertFile(old);
    if (!file) return [];
    if (next?.serviceCert !== undefined && serviceCertFile(next) === file) return [];
    const sharedWith = [...this.pipeline.services.values()].some(
      (s) => s.serviceName !== old.serviceName && s.serviceCert !== undefined && serviceCertFile(s) === file,
    );
    if (sharedWith || this.reads.certFile(file) !== pemText(old.serviceCert)) return [];
    return [{ kind: 'cert', name: file, pem: null }];
  }

  private removal(serviceName: string): Change[] {
    return [
      ...this.certCleanup(this.pipeline.services.get(serviceName), undefined),
      { kind: 'remove', serviceName },
    ];
  }

  /** Changes `haproxy -c` refused count as reconfigure outcomes, whichever use case sent them. */
  private countHaproxyRejections(outcomes: readonly Outcome[]): void {
    for (const o of outcomes)
      if (!o.ok && o.code === 'HAPROXY_REJECTED')
        this.metrics.reconfigures.inc({ outcome: 'haproxy-rejected' });
  }

  /** An invalid request (400) is recorded as the service's rejection, visible in config?type=json and metrics. */
  private recordInvalid(plan: { serviceName?: string; failure: Failure }): void {
    const f = plan.failure;
    if (!plan.serviceName || PROXY_ERRORS[f.code].status !== 400) return;
    this.pipeline.recordRejection(plan.serviceName, {
      status: 400,
      code: f.code,
      source: 'validation',
      message: f.message,
      errors: f.errors,
    });
  }

  async reconfigure(input: ParamInput): Promise<Result> {
    const t0 = process.hrtime.bigint();
    const plan = this.plan(input);
    if (!plan.ok) {
      const status = PROXY_ERRORS[plan.failure.code].status;
      const outcome = status === 409 ? 'conflict' : 'invalid';
      this.metrics.reconfigures.inc({ outcome });
      this.recordInvalid(plan);
      this.logger.info('reconfigure', {
        event: 'reconfigure',
        serviceName: plan.serviceName,
        outcome,
        status,
        durationMs: ms(t0),
        message: plan.failure.message,
      });
      this.note({
        op: 'reconfigure',
        ...(plan.serviceName ? { serviceName: plan.serviceName } : {}),
        outcome,
        status,
        message: plan.failure.message,
      });
      return plan.failure;
    }
    const { spec } = plan;
    const unchanged =
      plan.changes.length === 1 && sameSpec(this.pipeline.services.get(spec.serviceName), spec);
    const outcomes = await this.pipeline.submitAll(plan.changes);
    const failed = outcomes.find((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    const outcome = failed
      ? PROXY_ERRORS[failed.code].status === 400
        ? 'rejected'
        : 'error'
      : plan.note
        ? 'ignored'
        : unchanged
          ? 'unchanged'
          : 'applied';
    this.metrics.reconfigures.inc({
      outcome: failed?.code === 'HAPROXY_REJECTED' ? 'haproxy-rejected' : outcome,
    });
    this.logger.log(failed ? 'warn' : 'info', 'reconfigure', {
      event: 'reconfigure',
      serviceName: spec.serviceName,
      outcome,
      status: failed ? PROXY_ERRORS[failed.code].status : 200,
      durationMs: ms(t0),
      version: this.pipeline.version,
      ...(failed ? { message: failed.message } : {}),
    });
    this.note({
      op: 'reconfigure',
      serviceName: spec.serviceName,
      outcome,
      status: failed ? PROXY_ERRORS[failed.code].status : 200,
      ...(failed ? { message: failed.message } : plan.note ? { message: plan.note } : {}),
    });
    if (failed) return { ...failed, fields: { ServiceName: spec.serviceName } };
    this.manual.changedByApi(spec.serviceName, this.pipeline.services.get(spec.serviceName));
    const warnings = this.warnings.get(spec.serviceName);
    return success(plan.note ?? '', {
      ServiceName: spec.serviceName,
      AclName: spec.aclName,
      ...(warnings ? { warnings } : {}),
    });
  }

  async remove(input: ParamInput): Promise<Result> {
    const t0 = process.hrtime.bigint();
    const parsed = parseRemoveRequest(input);
    if (!parsed.ok) {
      this.metrics.removes.inc({ outcome: 'invalid' });
      return failure('PARAM_INVALID', parsed.errors[0]?.message ?? 'invalid request', parsed.errors);
    }
    const name = parsed.serviceName;
    if (!this.pipeline.has(name)) {
      // Unknown service (neither live nor being applied): 200 without a reload, as upstream (the
      // listener may repeat removes).
      this.pipeline.rejected.clear(name);
      this.metrics.removes.inc({ outcome: 'unknown' });
      this.logger.info('remove', {
        event: 'remove',
        serviceName: name,
        outcome: 'unknown',
        status: 200,
        durationMs: ms(t0),
      });
      return success('', { ServiceName: name });
    }
    const outcomes = await this.pipeline.submitAll(this.removal(name));
    const o = outcomes.find((x) => !x.ok) ?? (outcomes[outcomes.length - 1] as Outcome);
    if (o.ok) this.warnings.forget(name);
    this.metrics.removes.inc({ outcome: o.ok ? 'removed' : 'error' });
    this.logger.log(o.ok ? 'info' : 'error', 'remove', {
      event: 'remove',
      serviceName: name,
      outcome: o.ok ? 'removed' : 'error',
      status: o.ok ? 200 : PROXY_ERRORS[o.code].status,
      durationMs: ms(t0),
    });
    this.note({
      op: 'remove',
      serviceName: name,
      outcome: o.ok ? 'removed' : 'error',
      status: o.ok ? 200 : PROXY_ERRORS[o.code].status,
      ...(o.ok ? {} : { message: o.message }),
    });
    if (!o.ok) return { ...o, fields: { ServiceName: name } };
    this.manual.changedByApi(name, undefined);
    return success('', { ServiceName: name });
  }

  async reload(): Promise<Result> {
    const t0 = process.hrtime.bigint();
    const o = await this.pipeline.submit({ kind: 'refresh' });
    this.logger.log(o.ok ? 'info' : 'error', 'reload', {
      event: 'reload.request',
      outcome: o.ok ? 'ok' : 'error',
      durationMs: ms(t0),
    });
    this.note({
      op: 'reload',
      outcome: o.ok ? 'ok' : 'error',
      status: o.ok ? 200 : PROXY_ERRORS[o.code].status,
    });
    return o.ok ? success() : o;
  }

  async putCert(name: string | undefined, pem: string): Promise<Result> {
    const file = name ? certFileName(name) : undefined;
    if (!file) {
      const message = 'certName is mandatory: a file name of letters, digits, ., _ and -';
      return failure('PARAM_INVALID', message, [{ param: 'certName', code: 'PARAM_INVALID', message }]);
    }
    const check = validateCertificate(pem);
    if (!check.ok) {
      const message = `the request body must be a PEM certificate with its private key: ${check.message}`;
      this.logger.warn('cert', { event: 'cert', certName: file, outcome: 'invalid', message });
      return failure('CERT_INVALID', message, [{ param: 'body', code: 'PARAM_INVALID', message }]);
    }
    const o = await this.pipeline.submit({ kind: 'cert', name: file, pem: pemText(pem) });
    this.countHaproxyRejections([o]);
    this.logger.log(o.ok ? 'info' : 'warn', 'cert', {
      event: 'cert',
      certName: file,
      outcome: o.ok ? 'applied' : 'rejected',
    });
    this.note({
      op: 'cert',
      outcome: o.ok ? 'applied' : 'rejected',
      status: o.ok ? 200 : PROXY_ERRORS[o.code].status,
      message: o.ok ? file : o.message,
    });
    return o.ok ? success() : o;
  }

  /**
   * Makes the state equal to `inputs` (the listener's get-services): new and changed services are
   * applied, services it no longer has removed (except `pinned` ones: env-defined services), all
   * in one batch; invalid ones are rejected alone.
   */
  async replaceAll(
    inputs: readonly ParamInput[],
    pinned: ReadonlySet<string> = new Set(),
  ): Promise<{ applied: number; removed: number; rejected: string[]; missing: string[] }> {
    const changes: Change[] = [];
    const wanted = new Set<string>();
    const rejected: string[] = [];
    for (const input of inputs) {
      const plan = this.plan(input);
      if (!plan.ok) {
        if (plan.failure.code !== 'PATH_OR_DOMAIN_REQUIRED') rejected.push(plan.serviceName ?? '?');
        this.recordInvalid(plan);
        // Keep what we have for a service whose current labels are invalid.
        if (plan.serviceName) wanted.add(plan.serviceName);
        continue;
      }
      wanted.add(plan.spec.serviceName);
      const current = this.pipeline.services.get(plan.spec.serviceName);
      // A manual change stays until the listener's own definition of the service changes.
      if (this.manual.decide(plan.spec.serviceName, plan.spec, current) === 'keep-manual') continue;
      const upsert = plan.changes.find((c) => c.kind === 'upsert');
      if (upsert && sameSpec(current, plan.spec) && plan.changes.length === 1) continue;
      changes.push(...plan.changes);
    }
    this.manual.prune(wanted);
    const gone = resyncRemovals(
      this.pipeline.services.keys(),
      wanted,
      new Set([...pinned, ...this.manual.keptByHand()]),
      this.missing,
      Date.now(),
      this.opts.resyncRemoveAfterMs,
    );
    this.missing = gone.missing;
    for (const name of gone.remove) {
      changes.push(...this.removal(name));
      this.warnings.forget(name);
      this.manual.forget(name);
    }
    const removed = gone.remove.length;
    const outcomes = await this.pipeline.submitAll(changes);
    this.countHaproxyRejections(outcomes);
    outcomes.forEach((o, i) => {
      const c = changes[i];
      if (!o.ok && c?.kind === 'upsert') rejected.push(c.spec.serviceName);
      if (!c || c.kind === 'refresh' || c.kind === 'cert') return;
      this.note({
        op: 'resync',
        serviceName: c.kind === 'remove' ? c.serviceName : c.spec.serviceName,
        outcome: o.ok ? (c.kind === 'remove' ? 'removed' : 'applied') : 'rejected',
        status: o.ok ? 200 : PROXY_ERRORS[o.code].status,
        ...(o.ok ? {} : { message: o.message }),
      });
    });
    return {
      applied: changes.filter((c) => c.kind === 'upsert').length,
      removed,
      rejected,
      missing: [...gone.missing.keys()],
    };
  }
}

const pemText = (pem: string): string => (pem.endsWith('\n') ? pem : `${pem}\n`);

/** `<first serviceDomain or serviceName>.pem`: where `serviceCert` is written. */
function serviceCertFile(spec: ServiceSpec): string | undefined {
  const base = certFileName(spec.destinations[0]?.serviceDomain[0] ?? spec.serviceName);
  return base ? `${base}.pem` : undefined;
}

function nameOf(input: ParamInput): string | undefined {
  let v: unknown;
  if (typeof input === 'string') v = new URLSearchParams(input.replace(/^\?/, '')).get('serviceName');
  else if (input instanceof URLSearchParams) v = input.get('serviceName');
  else v = input.serviceName;
  return typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(v) ? v : undefined;
}
