import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One GET through the proxy's host port, on a fresh connection (no keep-alive: every request is
 * routed on its own, and the Host header can be set, which fetch() forbids). `address` is the
 * host's loopback unless given (the multi-node tests reach each node at its own address).
 */
export function get(
  port: number,
  path: string,
  opts: { host?: string; auth?: string; timeoutMs?: number; address?: string } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: opts.host ?? 'localhost' };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const req = request({ host: opts.address ?? '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 3000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Sends `PING\r\n` over raw TCP and resolves the first reply line (redis answers `+PONG`). */
export function redisPing(port: number, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port });
    let data = '';
    const timer = setTimeout(() => sock.destroy(new Error('no answer to PING')), timeoutMs);
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) {
        clearTimeout(timer);
        sock.end();
        resolve(data.split('\r\n')[0] ?? '');
      }
    });
    sock.on('error', (e) => (clearTimeout(timer), reject(e)));
    sock.on(
      'close',
      () => (clearTimeout(timer), reject(new Error(`closed before a reply: ${JSON.stringify(data)}`))),
    );
  });
}
