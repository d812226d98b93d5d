import type { StatusSnapshot } from '../../../src/status/types.js';

/**
 * A snapshot with `v(name)` in every place a string from outside (labels, HAProxy, peers, the
 * listener, error messages) reaches the page: the renderer tests fill it with hostile text.
 */
export function snapshotWith(v: (field: string) => string): StatusSnapshot {
  return {
    generatedAt: '2026-12-01T10:00:00.000Z',
    node: {
      hostname: v('hostname'),
      appVersion: v('appVersion'),
      stateVersion: 7,
      hash: v('hash'),
      ready: true,
      services: 2,
      rejected: 1,
      listener: {
        address: v('listener.address'),
        lastSyncAt: '2026-12-01T09:59:58.000Z',
        outcome: 'ok',
        servicesWatched: 3,
        error: v('listener.error'),
      },
    },
    routes: [
      {
        serviceName: v('route.serviceName'),
        index: 0,
        mode: v('route.mode'),
        paths: [v('route.path'), v('route.path2')],
        domains: [v('route.domain')],
        port: 8080,
        srcPort: 9000,
        httpsPort: 8443,
        auth: true,
        backends: [v('route.backend')],
        servers: [
          {
            name: v('server.name'),
            addr: v('server.addr'),
            status: v('server.status'),
            up: true,
            sessions: 3,
          },
          { name: v('server2.name'), addr: v('server2.addr'), status: 'DOWN', up: false, sessions: 0 },
        ],
        idleSlots: 2,
      },
      {
        serviceName: v('route2.serviceName'),
        index: 1,
        mode: 'tcp',
        paths: [],
        domains: [],
        auth: false,
        backends: [],
        servers: [],
        idleSlots: 0,
      },
    ],
    problems: [
      {
        serviceName: v('problem.serviceName'),
        kind: 'rejected',
        at: '2026-12-01T09:00:00.000Z',
        code: v('problem.code'),
        param: v('problem.param'),
        message: v('problem.message'),
      },
      {
        serviceName: v('warning.serviceName'),
        kind: 'warning',
        code: 'WARNING',
        param: v('warning.param'),
        message: v('warning.message'),
      },
    ],
    changes: [
      {
        at: '2026-12-01T09:59:00.000Z',
        op: 'reconfigure',
        serviceName: v('change.serviceName'),
        outcome: v('change.outcome'),
        status: 400,
        message: v('change.message'),
        requestId: v('change.requestId'),
        version: 7,
      },
    ],
    cluster: {
      serviceName: v('cluster.serviceName'),
      consistent: false,
      error: v('cluster.error'),
      peers: [
        {
          address: v('peer.address'),
          self: true,
          reachable: true,
          differs: false,
          node: {
            hostname: v('peer.hostname'),
            appVersion: v('peer.appVersion'),
            stateVersion: 7,
            hash: v('peer.hash'),
            ready: true,
            services: 2,
            rejected: 0,
          },
        },
        {
          address: v('peer2.address'),
          self: false,
          reachable: false,
          differs: true,
          error: v('peer2.error'),
        },
      ],
    },
    haproxyError: v('haproxyError'),
  };
}
