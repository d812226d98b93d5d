import { join } from 'node:path';
import type { Logger } from '@flowproxy/runtime';
import { readIfExists } from '../reload/files.js';
import type { ReloadPipeline } from '../reload/pipeline.js';
import { certFileName } from '../state/certs.js';
import { gatherFromPeers } from './gather.js';
import type { PeerResolver } from './peers.js';

export interface PeerCert {
  readonly name: string;
  readonly pem: string;
}

/** The certificates of a `GET /certs` answer (upstream's shape); entries that cannot be files are dropped. */
export function certsOfAnswer(body: string): PeerCert[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const list = (parsed as { Certs?: unknown }).Certs;
  if (!Array.isArray(list)) return [];
  return list.flatMap((c: unknown) => {
    const e = c as { ProxyServiceName?: unknown; CertContent?: unknown };
    const name = typeof e.ProxyServiceName === 'string' ? certFileName(e.ProxyServiceName) : undefined;
    return name && typeof e.CertContent === 'string' && e.CertContent.includes('-----BEGIN')
      ? [{ name, pem: e.CertContent }]
      : [];
  });
}

/**
 * What the peers hold, as one set: upstream copied the largest peer's set; here every peer's
 * certificates are taken, and for a name two peers hold differently the larger set's copy wins.
 */
export function mergePeerCerts(sets: readonly PeerCert[][]): PeerCert[] {
  const out = new Map<string, string>();
  for (const set of [...sets].sort((a, b) => b.length - a.length))
    for (const c of set) if (!out.has(c.name)) out.set(c.name, c.pem);
  return [...out].map(([name, pem]) => ({ name, pem }));
}

export interface CertSyncOptions {
  readonly peers: PeerResolver;
  readonly timeoutMs: number;
  /** Authorization for requests to the other replicas. */
  readonly headers?: Readonly<Record<string, string>>;
  /** DNS_LOOKUP_PAUSE_MS: wait before asking, so tasks.<SERVICE_NAME> lists the other replicas. */
  readonly pauseMs: number;
  readonly certsDir: string;
  readonly pipeline: ReloadPipeline;
  readonly logger: Logger;
}

/**
 * At start, before the replica serves or reports ready: copies the certificates its peers hold
 * (`GET /certs` of every replica of tasks.<SERVICE_NAME>) that it lacks or holds differently, in
 * one validated reload. Peers that do not answer (this replica itself, not listening yet) are
 * skipped; a certificate HAProxy refuses is rejected alone.
 */
export async function syncCertsFromPeers(
  o: CertSyncOptions,
): Promise<{ copied: string[]; rejected: string[] }> {
  if (o.pauseMs > 0) await new Promise((r) => setTimeout(r, o.pauseMs));
  let peers: string[];
  try {
    peers = await o.peers();
  } catch (e) {
    o.logger.warn('certificates not copied from peers: replicas unknown', {
      event: 'cert.sync',
      error: (e as Error).message,
    });
    return { copied: [], rejected: [] };
  }
  const answers = await gatherFromPeers('certs', peers, o.timeoutMs, { headers: o.headers ?? {} });
  const sets = answers.filter((a) => a.ok).map((a) => certsOfAnswer(a.body));
  const pem = (p: string): string => (p.endsWith('\n') ? p : `${p}\n`);
  const missing = mergePeerCerts(sets).filter((c) => readIfExists(join(o.certsDir, c.name)) !== pem(c.pem));
  const outcomes = await o.pipeline.submitAll(
    missing.map((c) => ({ kind: 'cert', name: c.name, pem: pem(c.pem) })),
  );
  const copied = missing.filter((_, i) => outcomes[i]?.ok).map((c) => c.name);
  const rejected = missing.filter((_, i) => !outcomes[i]?.ok).map((c) => c.name);
  o.logger.log(rejected.length > 0 ? 'warn' : 'info', 'certificates copied from peers', {
    event: 'cert.sync',
    peers: answers.filter((a) => a.ok).map((a) => a.address),
    copied,
    rejected,
  });
  return { copied, rejected };
}
