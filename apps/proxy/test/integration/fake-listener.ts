import { createServer, type Server } from 'node:http';

/**
 * A recording stand-in for the listener's API on loopback (the proxy's peer, not HAProxy): answers
 * `get-services` with `services` (or `rawBody`), counts `notify-services`, and can require an
 * Authorization header.
 */
export interface FakeListener {
  services: Record<string, string>[];
  /** When set, sent as the get-services body instead of `services`. */
  rawBody: string | undefined;
  /** When set, requests without exactly this Authorization header get 401. */
  requireAuthorization: string | undefined;
  /** get-services answers this many ms late (a listener that is slow to reach). */
  delayMs: number;
  readonly notifyCalls: number;
  readonly getCalls: number;
  /** Authorization headers received, in order. */
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

export function startFakeListener(port: number): Promise<FakeListener> {
  const state = {
    services: [] as Record<string, string>[],
    rawBody: undefined as string | undefined,
    requireAuthorization: undefined as string | undefined,
    delayMs: 0,
    notifyCalls: 0,
    getCalls: 0,
    authorizations: [] as (string | undefined)[],
  };
  const server: Server = createServer((req, res) => {
    state.authorizations.push(req.headers.authorization);
    if (
      state.requireAuthorization !== undefined &&
      req.headers.authorization !== state.requireAuthorization
    ) {
      res.statusCode = 401;
      res.end('{"Status":"NOK","code":"UNAUTHORIZED"}');
    } else if (req.url?.startsWith('/v1/docker-flow-swarm-listener/get-services')) {
      state.getCalls += 1;
      const body = state.rawBody ?? JSON.stringify(state.services);
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(body);
      }, state.delayMs).unref();
    } else if (req.url?.startsWith('/v1/docker-flow-swarm-listener/notify-services')) {
      state.notifyCalls += 1;
      res.end('{"Status":"OK"}');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        get services() {
          return state.services;
        },
        set services(v) {
          state.services = v;
        },
        get rawBody() {
          return state.rawBody;
        },
        set rawBody(v) {
          state.rawBody = v;
        },
        get requireAuthorization() {
          return state.requireAuthorization;
        },
        set requireAuthorization(v) {
          state.requireAuthorization = v;
        },
        get delayMs() {
          return state.delayMs;
        },
        set delayMs(v) {
          state.delayMs = v;
        },
        get notifyCalls() {
          return state.notifyCalls;
        },
        get getCalls() {
          return state.getCalls;
        },
        get authorizations() {
          return state.authorizations;
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    ),
  );
}
