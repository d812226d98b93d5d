import { request } from 'node:http';
import { join } from 'node:path';
import { sendCommand, SocketError } from './socket.js';

/** Where HAProxy's exporter listens (a unix socket of mode 600 in RUNTIME_DIR). */
export const metricsSocketPath = (runtimeDir: string): string => join(runtimeDir, 'metrics.sock');

/** HAProxy's Prometheus exporter scopes (`?scope=`), as the exporter names them. */
export const EXPORTER_SCOPES = ['global', 'frontend', 'backend', 'server', 'listener'] as const;
export type ExporterScope = (typeof EXPORTER_SCOPES)[number];

/**
 * Reads HAProxy's Prometheus exporter on its unix socket. `no-maint` leaves out server slots in
 * maintenance, which is what an unused `server-template` slot is: without it a backend of 10
 * slots and one task exports ten servers' series.
 */
export function fetchHaproxyMetrics(
  socketPath: string,
  scopes: readonly ExporterScope[],
  timeoutMs = 3000,
): Promise<string> {
  const query = [...scopes.map((s) => `scope=${s}`), 'no-maint'].join('&');
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: `/metrics?${query}`, timeout: timeoutMs, headers: { Host: 'haproxy' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(body);
          else reject(new SocketError(`HAProxy's exporter answered ${res.statusCode}`));
        });
        res.on('error', (e) => reject(new SocketError(e.message)));
      },
    );
    req.on('timeout', () =>
      req.destroy(new SocketError(`no answer from ${socketPath} within ${timeoutMs} ms`)),
    );
    req.on('error', (e) =>
      reject(e instanceof SocketError ? e : new SocketError(`${socketPath}: ${e.message}`)),
    );
    req.end();
  });
}

/**
 * HAProxy's statistics as CSV (`show stat` on the admin socket): the same columns, starting with
 * `# pxname,svname,`, that upstream read from the stats page's `;csv` URL.
 */
export async function fetchStatsCsv(adminSocket: string, timeoutMs = 3000): Promise<string> {
  const out = await sendCommand(adminSocket, 'show stat', timeoutMs);
  if (!out.startsWith('# pxname')) throw new SocketError(`show stat: unexpected answer ${out.slice(0, 120)}`);
  return out;
}
