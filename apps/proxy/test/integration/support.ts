import {
  createServer as createHttpServer,
  request,
  Agent,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Req {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** `user:password` for basic auth. */
  readonly auth?: string;
  readonly agent?: Agent | false;
  readonly timeoutMs?: number;
}

/** A curl-like request with full control over Host and other headers (fetch forbids some). */
export function http(url: string, opts: Req = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers, agent: opts.agent ?? false, timeout: opts.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** GET on the proxy API; returns status, headers and the parsed JSON body. */
export async function api(
  base: string,
  path: string,
  opts: Req = {},
): Promise<HttpResult & { json: Record<string, unknown> }> {
  const r = await http(`${base}/${path}`, { timeoutMs: 20000, ...opts });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    // text endpoints (config, metrics)
  }
  return { ...r, json };
}

/** The API port's `/metrics` (the control plane's series and HAProxy's own), from the API base URL. */
export const promMetrics = (apiUrl: string): Promise<HttpResult> => http(new URL('/metrics', apiUrl).href);

export interface Backend {
  readonly host: string;
  readonly port: number;
  /** Requests seen: method, url and headers. */
  readonly seen: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/**
 * A backend that answers `<name> <method> <url>` and echoes request headers as JSON in
 * `x-echo-headers`, so tests see both routing and rewrites. Listens on 127.0.0.x.
 */
export function startBackend(name: string, host: string, port: number): Promise<Backend> {
  const seen: Backend['seen'] = [];
  const server: Server = createHttpServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.setHeader('x-backend', name);
      res.setHeader('x-echo-headers', JSON.stringify(req.headers));
      res.setHeader('content-type', 'text/plain');
      res.end(`${name} ${req.method} ${req.url}`);
    });
  });
  server.keepAliveTimeout = 30000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        host,
        port,
        seen,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      }),
    );
  });
}

/** A minimal Redis stand-in for TCP mode: answers `PING` (inline or RESP) with `+PONG`. */
export function startPongServer(host: string, port: number): Promise<{ close(): Promise<void> }> {
  const server: TcpServer = createTcpServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      if (/PING/i.test(buf)) {
        buf = '';
        sock.write('+PONG\r\n');
      }
    });
    sock.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () =>
      resolve({
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
          }),
      }),
    );
  });
}

/** Sum of a Prometheus counter/gauge over its label sets, from the metrics text. */
export function metricValue(text: string, name: string, labels?: string): number {
  return text
    .split('\n')
    .filter(
      (l) =>
        l.startsWith(`${name}${labels ? `{${labels}}` : ''}`) &&
        (labels !== undefined || /^[^{ ]+[{ ]/.test(l)) &&
        l.startsWith(name),
    )
    .filter((l) => (labels ? true : l.startsWith(`${name} `) || l.startsWith(`${name}{`)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
