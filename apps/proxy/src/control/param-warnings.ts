import type { ParamWarning } from '@flowproxy/protocol';
import type { Logger } from '@flowproxy/runtime';
import type { Metrics } from '../metrics.js';

const baseName = (param: string): string => param.replace(/\.[0-9]+$/, '');

/**
 * The parse warnings of every service's current definition (unknown names, deprecated aliases):
 * logged when they change, shown per service in `config?type=json`, and counted by unknown name
 * in the `flowproxy_unknown_params{param}` gauge (services carrying it, so a resync that repeats
 * the same labels does not inflate it).
 */
export class ParamWarnings {
  private readonly byService = new Map<string, readonly ParamWarning[]>();

  constructor(
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  /** Every service with warnings (the status page lists them). */
  all(): ReadonlyMap<string, readonly ParamWarning[]> {
    return this.byService;
  }

  get(serviceName: string): readonly ParamWarning[] | undefined {
    return this.byService.get(serviceName);
  }

  record(serviceName: string, warnings: readonly ParamWarning[]): void {
    const before = this.byService.get(serviceName) ?? [];
    if (JSON.stringify(before) === JSON.stringify(warnings)) return;
    if (warnings.length === 0) this.byService.delete(serviceName);
    else this.byService.set(serviceName, warnings);
    this.recount(before, warnings);
    if (warnings.length > 0)
      this.logger.warn('reconfigure accepted with warnings', {
        event: 'reconfigure.warnings',
        serviceName,
        warnings: warnings.map((w) => ({ param: w.param, code: w.code, message: w.message })),
      });
  }

  forget(serviceName: string): void {
    this.record(serviceName, []);
  }

  private recount(before: readonly ParamWarning[], after: readonly ParamWarning[]): void {
    const names = (ws: readonly ParamWarning[]): Set<string> =>
      new Set(ws.filter((w) => w.code === 'PARAM_UNKNOWN').map((w) => baseName(w.param)));
    const gauge = this.metrics.unknownParams;
    const was = names(before);
    const now = names(after);
    for (const n of was) if (!now.has(n)) gauge.dec({ param: n });
    for (const n of now) if (!was.has(n)) gauge.inc({ param: n });
  }
}
