import type { Line } from './model.js';
import { RESOLVERS } from './names.js';
import type { ProxySettings } from './settings.js';
import { d, raw } from './words.js';

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w.length > 0);

/**
 * `global`: the zero-error reload recipe (haproxy-facts Q2). master-worker comes from the command
 * line; the admin socket exposes listeners for tools that still use `-x`; the server-state file
 * lets DNS-resolved task addresses survive reloads (the runtime dumps `show servers state` there).
 */
export function globalSection(s: ProxySettings): Line[] {
  const lines: Line[] = [
    d('hard-stop-after', `${s.hardStopAfterSeconds}s`),
    d(
      'stats',
      'socket',
      `${s.runtimeDir}/admin.sock`,
      'mode',
      '600',
      'level',
      'admin',
      'expose-fd',
      'listeners',
    ),
    d('server-state-file', `${s.runtimeDir}/server-state`),
  ];
  if (s.debug) lines.push(d('log', 'stdout', 'format', 'raw', 'local0'));
  if (s.sslBindOptions.trim()) {
    lines.push(d('ssl-default-bind-options', ...words(s.sslBindOptions)));
    lines.push(d('ssl-default-server-options', ...words(s.sslBindOptions)));
  }
  if (s.sslBindCiphers.trim()) {
    lines.push(d('ssl-default-bind-ciphers', s.sslBindCiphers.trim()));
    lines.push(d('ssl-default-server-ciphers', s.sslBindCiphers.trim()));
  }
  for (const extra of s.extraGlobal) if (extra.trim()) lines.push(raw(extra));
  return lines;
}

/**
 * `defaults`: redispatch + L4/L7 retries gave 0 failed requests when tasks die or appear before
 * they listen (haproxy-facts Q6); `init-addr` never blocks a reload on an unresolvable name.
 * `option redispatch 1` (REDISPATCH_INTERVAL) picks another server on every retry, not only on the
 * last: a connection to a task of a crashed node times out once (`timeout connect`), then goes
 * elsewhere, instead of waiting until the health check marks the server down.
 */
export function defaultsSection(s: ProxySettings): Line[] {
  const t = s.timeouts;
  const lines: Line[] = [
    d('mode', 'http'),
    d('option', s.connectionMode),
    d('option', 'idle-close-on-response'),
    d('option', 'redispatch', String(s.failover.redispatchInterval)),
    d('retries', String(s.failover.retries)),
    d('retry-on', 'conn-failure', 'empty-response', 'response-timeout'),
    d('load-server-state-from-file', 'global'),
    d('default-server', 'init-addr', s.initAddr),
    d('timeout', 'connect', `${t.connect}s`),
    d('timeout', 'client', `${t.client}s`),
    d('timeout', 'server', `${t.server}s`),
    d('timeout', 'queue', `${t.queue}s`),
    d('timeout', 'tunnel', `${t.tunnel}s`),
    d('timeout', 'http-request', `${t.httpRequest}s`),
    d('timeout', 'http-keep-alive', `${t.httpKeepAlive}s`),
  ];
  if (s.debug) lines.push(d('log', 'global'));
  if (s.compressionAlgo) lines.push(d('compression', 'algo', ...words(s.compressionAlgo)));
  if (s.compressionType) lines.push(d('compression', 'type', ...words(s.compressionType)));
  return lines;
}

/** `resolvers docker`: Docker's DNS (tasks.<service>); hold valid is how fast task changes apply. */
export function resolversSection(s: ProxySettings): { name: string; lines: Line[] } {
  const servers = s.resolvers.filter((l) => l.trim()).map((l) => d(...words(l)));
  return {
    name: RESOLVERS,
    lines: [
      ...(servers.length > 0 ? servers : [d('parse-resolv-conf')]),
      d('accepted_payload_size', '8192'),
      d('resolve_retries', '3'),
      d('timeout', 'resolve', '1s'),
      d('timeout', 'retry', '1s'),
      d('hold', 'valid', `${s.dnsHoldValidSeconds}s`),
      d('hold', 'obsolete', '0s'),
      d('hold', 'nx', '1s'),
    ],
  };
}
