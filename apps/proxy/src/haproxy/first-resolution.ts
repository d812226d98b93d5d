import { sendCommand } from './socket.js';

/**
 * A fresh HAProxy knows no server address (`init-addr last,none`, no server-state file yet) until
 * its resolvers' first answers: a request in that window gets "503 No server is available" although
 * the route exists. Measured on a rejoined node of the multi-node harness: the new replica's very
 * first answer was that 503, the next one 66 ms later was routed. So a fresh start runs dark (no
 * public bind, see `darkConfig`) until the first round of DNS answers is in, then reloads with the
 * real configuration, which takes the addresses over through the server-state file.
 */

export interface ResolutionProgress {
  /** Distinct DNS names of servers (`srv_fqdn`), and how many of them have no address yet. */
  readonly names: number;
  readonly unresolved: number;
  /** Queries sent by the resolvers section and how many of them got an answer or failed. */
  readonly sent: number;
  readonly answered: number;
}

/** `show servers state`: each server's DNS name and whether some slot of that name has an address. */
export function namesResolved(serversState: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  let header: string[] | undefined;
  for (const line of serversState.split('\n')) {
    if (line.startsWith('# ')) {
      header = line.slice(2).trim().split(/\s+/);
      continue;
    }
    if (!header || line.trim() === '' || /^[0-9]+$/.test(line.trim())) continue;
    const fields = line.trim().split(/\s+/);
    const fqdn = fields[header.indexOf('srv_fqdn')];
    const addr = fields[header.indexOf('srv_addr')];
    if (fqdn === undefined || fqdn === '-' || addr === undefined) continue;
    out.set(fqdn, (out.get(fqdn) ?? false) || addr !== '-');
  }
  return out;
}

/** Counters that end a query: an answer of any kind, a timeout or a failed send. */
const ENDING = [
  'valid',
  'cname',
  'cname_error',
  'any_err',
  'nx',
  'timeout',
  'refused',
  'other',
  'invalid',
  'too_big',
  'truncated',
  'outdated',
  'snd_error',
];

/** `show resolvers`: queries sent and ended, summed over the nameservers of `section`. */
export function resolverCounters(showResolvers: string, section: string): { sent: number; answered: number } {
  let inSection = false;
  let sent = 0;
  let answered = 0;
  for (const raw of showResolvers.split('\n')) {
    const line = raw.trim();
    const head = /^Resolvers section (\S+)/.exec(line);
    if (head) {
      inSection = head[1] === section;
      continue;
    }
    const counter = /^([a-z_]+):\s+([0-9]+)$/.exec(line);
    if (!inSection || !counter) continue;
    const name = counter[1] ?? '';
    const value = Number(counter[2]);
    if (name === 'sent') sent += value;
    else if (ENDING.includes(name)) answered += value;
  }
  return { sent, answered };
}

/** Every name has an address, or every query sent so far has ended (some names may not exist). */
export function firstRoundDone(p: ResolutionProgress): boolean {
  return p.names === 0 || p.unresolved === 0 || (p.sent > 0 && p.answered >= p.sent);
}

/** The same configuration text without its TCP `bind` lines (unix sockets stay): nothing public listens. */
export function darkConfig(cfg: string): string {
  return cfg
    .split('\n')
    .filter((line) => !/^\s+bind\s/.test(line) || /^\s+bind\s+unix@/.test(line))
    .join('\n');
}

/** The host of a server address (`host:port`, `[v6]:port`, `v6`); undefined for an IP literal. */
function dnsName(address: string): string | undefined {
  if (address.startsWith('[') || address.split(':').length > 2) return undefined;
  const host = address.split(':')[0] ?? '';
  return /^[0-9]+(\.[0-9]+){3}$/.test(host) || host === '' ? undefined : host;
}

/**
 * True when some server of the configuration is found through DNS: a server line with `resolvers`
 * whose address is a name. IP addresses (an `outboundHostname` given as an IP) need no first
 * answer, and at 10,000 such services the second step would cost a reload (3.7 s measured) for
 * nothing.
 */
export function usesDnsNames(cfg: string): boolean {
  const line = /^\s+(?:server-template\s+\S+\s+\S+|server\s+\S+)\s+(\S+)[^\n]*\sresolvers\s/gm;
  for (const m of cfg.matchAll(line)) if (dnsName(m[1] ?? '') !== undefined) return true;
  return false;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls the admin socket until `firstRoundDone` or `boundMs`; never throws (a bound start is still a start). */
export async function awaitFirstResolution(
  adminSock: string,
  section: string,
  boundMs: number,
): Promise<{ done: boolean; waitedMs: number; progress: ResolutionProgress | undefined }> {
  const t0 = Date.now();
  let progress: ResolutionProgress | undefined;
  for (;;) {
    try {
      const names = namesResolved(await sendCommand(adminSock, 'show servers state', 1000));
      const counters = resolverCounters(await sendCommand(adminSock, 'show resolvers', 1000), section);
      progress = {
        names: names.size,
        unresolved: [...names.values()].filter((ok) => !ok).length,
        ...counters,
      };
      if (firstRoundDone(progress)) return { done: true, waitedMs: Date.now() - t0, progress };
    } catch {
      // The worker may not answer on the admin socket for its first milliseconds: poll again.
    }
    if (Date.now() - t0 >= boundMs) return { done: false, waitedMs: Date.now() - t0, progress };
    await sleep(10);
  }
}
