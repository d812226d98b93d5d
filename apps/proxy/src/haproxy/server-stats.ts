import { fetchStatsCsv } from './stats.js';

/** One server line of `show stat`: what the status page shows per server. */
export interface ServerStat {
  readonly backend: string;
  readonly server: string;
  /** `host:port` HAProxy currently uses; empty while a server-template slot is unresolved. */
  readonly addr: string;
  /** HAProxy's status word: UP, DOWN, MAINT, `MAINT (resolution)`, `no check`, `UP 1/3`, ... */
  readonly status: string;
  /** Current sessions (`scur`). */
  readonly sessions: number;
}

/**
 * Parses `show stat` CSV (header `# pxname,svname,...`), keeping server rows only (not the
 * FRONTEND/BACKEND aggregates). Columns are found by name: their order differs between versions.
 */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.split('\n').filter((l) => l.trim().length > 0);
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return [];
  const cols = header.slice(2).split(',');
  const at = (name: string): number => cols.indexOf(name);
  const [px, sv, st, scur, addr] = [at('pxname'), at('svname'), at('status'), at('scur'), at('addr')];
  if (px < 0 || sv < 0 || st < 0) return [];
  const out: ServerStat[] = [];
  for (const line of lines) {
    if (line.startsWith('#')) continue;
    const f = line.split(',');
    const server = f[sv] ?? '';
    if (server === 'FRONTEND' || server === 'BACKEND' || server === '') continue;
    out.push({
      backend: f[px] ?? '',
      server,
      addr: addr >= 0 ? (f[addr] ?? '') : '',
      status: f[st] ?? '',
      sessions: Number(f[scur] ?? 0) || 0,
    });
  }
  return out;
}

/** Server rows of the running HAProxy, over its admin socket. */
export async function readServerStats(adminSock: string, timeoutMs = 1500): Promise<ServerStat[]> {
  return parseShowStat(await fetchStatsCsv(adminSock, timeoutMs));
}
