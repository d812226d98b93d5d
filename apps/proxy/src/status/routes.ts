import type { Destination, ServiceSpec } from '@flowproxy/protocol';
import { backendName, httpsBackendName } from '../config/names.js';
import type { ServerStat } from '../haproxy/server-stats.js';
import type { ProblemView, RouteView, ServerView } from './types.js';
import type { Rejection } from '../reload/pipeline.js';

/** Whether HAProxy sends traffic to a server in this status (`UP 1/3` is going down, still serving). */
export const isUp = (status: string): boolean => /^(UP|OPEN|no check)/.test(status);

const unresolved = (s: ServerStat): boolean => s.addr === '' || /\(resolution\)/.test(s.status);

/** The backends a destination renders to (the names the config uses, see config/names.ts). */
export function backendsOf(spec: ServiceSpec, dest: Destination): string[] {
  const out: string[] = [];
  if (dest.port !== undefined) out.push(backendName(spec.aclName, dest.port, dest.index));
  if (dest.httpsPort !== undefined) out.push(httpsBackendName(spec.aclName, dest.httpsPort, dest.index));
  return out;
}

/**
 * One row per destination of every service, sorted by service name, with the servers HAProxy has
 * behind its backends. Only routing facts: never users, passwords, certificates or raw config.
 */
export function routeViews(
  services: ReadonlyMap<string, ServiceSpec>,
  stats: readonly ServerStat[],
  globalAuth: boolean,
): RouteView[] {
  const byBackend = new Map<string, ServerStat[]>();
  for (const s of stats) {
    const list = byBackend.get(s.backend) ?? [];
    list.push(s);
    byBackend.set(s.backend, list);
  }
  const ownAuth = (spec: ServiceSpec): boolean => spec.users.length > 0 || spec.usersSecret !== undefined;
  const rows: RouteView[] = [];
  for (const name of [...services.keys()].sort()) {
    const spec = services.get(name);
    if (!spec) continue;
    for (const dest of spec.destinations) {
      const backends = backendsOf(spec, dest);
      const all = backends.flatMap((b) => byBackend.get(b) ?? []);
      const servers: ServerView[] = all
        .filter((s) => !unresolved(s))
        .map((s) => ({
          name: s.server,
          addr: s.addr,
          status: s.status,
          up: isUp(s.status),
          sessions: s.sessions,
        }));
      rows.push({
        serviceName: spec.serviceName,
        index: dest.index,
        mode: dest.reqMode,
        paths: [...dest.servicePath],
        domains: [...dest.serviceDomain],
        ...(dest.port !== undefined ? { port: dest.port } : {}),
        ...(dest.srcPort !== undefined ? { srcPort: dest.srcPort } : {}),
        ...(dest.httpsPort !== undefined ? { httpsPort: dest.httpsPort } : {}),
        auth: !dest.ignoreAuthorization && (ownAuth(spec) || globalAuth),
        backends,
        servers,
        idleSlots: all.length - servers.length,
      });
    }
  }
  return rows;
}

/** Rejected services (the pipeline's record) and warned ones, rejected first, then by name. */
export function problemViews(
  rejected: ReadonlyMap<string, Rejection>,
  warnings: ReadonlyMap<string, readonly { param: string; message: string }[]>,
): ProblemView[] {
  const out: ProblemView[] = [];
  for (const [serviceName, r] of [...rejected].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const issues = r.errors.length > 0 ? r.errors : [{ param: '', message: r.message }];
    for (const issue of issues)
      out.push({
        serviceName,
        kind: 'rejected',
        at: r.at,
        code: r.code,
        param: issue.param,
        message: issue.message,
      });
  }
  for (const [serviceName, list] of [...warnings].sort(([a], [b]) => (a < b ? -1 : 1)))
    for (const w of list)
      out.push({ serviceName, kind: 'warning', code: 'WARNING', param: w.param, message: w.message });
  return out;
}
