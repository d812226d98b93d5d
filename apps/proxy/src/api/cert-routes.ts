import express, { type Request, type Response } from 'express';
import type { Logger } from '@flowproxy/runtime';
import type { ProxyControl } from '../control/control.js';
import { failure } from '../control/result.js';
import { errorReply, toReply, type Reply } from './reply.js';
import { describeFailures, gatherFromPeers } from '../distribute/gather.js';
import type { PeerResolver } from '../distribute/peers.js';
import type { CertEntry } from '../state/certs.js';

export interface CertRouteDeps {
  readonly control: Pick<ProxyControl, 'putCert'>;
  readonly logger: Logger;
  readonly peers: PeerResolver;
  readonly distributeTimeoutMs: number;
  /** Authorization for requests to the other replicas. */
  readonly peerHeaders: Readonly<Record<string, string>>;
  readonly certEntries: () => readonly CertEntry[];
  readonly stateHeaders: (res: Response) => void;
}

/**
 * `PUT /cert?certName=…[&distribute=true]` stores a certificate (every replica of
 * tasks.<SERVICE_NAME> with distribute=true, the answer naming any that failed); `GET /certs`
 * lists what this replica holds, in upstream's shape, which is also what a new replica copies.
 */
export function registerCertRoutes(app: express.Express, prefix: string, deps: CertRouteDeps): void {
  const send = (res: Response, reply: Reply): void => {
    deps.stateHeaders(res);
    res.status(reply.status).json(reply.body);
  };

  const putCert = async (req: Request): Promise<Reply> => {
    if (req.method !== 'PUT') return errorReply('METHOD_NOT_ALLOWED', 'use PUT with the PEM as the body');
    const q = new URL(req.originalUrl, 'http://local').searchParams;
    const name = q.get('certName') ?? undefined;
    const body: unknown = req.body;
    const pem = typeof body === 'string' ? body : '';
    if (q.get('distribute')?.toLowerCase() !== 'true') return toReply(await deps.control.putCert(name, pem));
    let peers: string[];
    try {
      peers = await deps.peers();
    } catch (e) {
      return errorReply('DISTRIBUTE_FAILED', (e as Error).message);
    }
    // Outside Swarm (no tasks.<SERVICE_NAME>) this replica is all there is.
    if (peers.length === 0) return toReply(await deps.control.putCert(name, pem));
    const forward = new URLSearchParams({ certName: name ?? '', distribute: 'false' });
    const results = await gatherFromPeers(`cert?${forward.toString()}`, peers, deps.distributeTimeoutMs, {
      method: 'PUT',
      body: pem,
      contentType: 'application/x-pem-file',
      headers: deps.peerHeaders,
    });
    const replicas = results.map((r) => ({ address: r.address, ok: r.ok, status: r.status }));
    if (results.every((r) => r.ok))
      return { status: 200, body: { Status: 'OK', Message: 'Distributed to all instances', replicas } };
    const failed = results.filter((r) => !r.ok);
    deps.logger.warn('certificate distribute failed', {
      event: 'distribute',
      op: 'cert',
      certName: name,
      failed: failed.map((r) => r.address),
    });
    const only = new Set(results.map((r) => r.status));
    const first = results[0]?.status;
    // Every replica refused the same way (an invalid certificate): that answer, not a 500.
    const common = only.size === 1 && first !== undefined && first >= 400 && first < 500 ? first : undefined;
    return toReply({
      ...failure(
        'DISTRIBUTE_FAILED',
        `Could not store the certificate on ${failed.length} of ${results.length} replicas: ${describeFailures(results)}`,
        failed.map((r) => ({
          param: 'distribute',
          code: 'PARAM_INVALID',
          message: `${r.address}: ${r.status ?? 'no answer'}`,
        })),
        { replicas },
      ),
      ...(common !== undefined ? { status: common } : {}),
    });
  };

  app.all([`${prefix}/cert`], express.text({ type: () => true, limit: '5mb' }), async (req, res) => {
    send(res, await putCert(req));
  });

  app.all([`${prefix}/certs`], (_req, res) => {
    send(res, {
      status: 200,
      body: { Status: 'OK', Message: '', Certs: deps.certEntries() },
    });
  });
}
