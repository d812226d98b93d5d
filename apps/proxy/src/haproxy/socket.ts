import { createConnection } from 'node:net';

export class SocketError extends Error {
  readonly code = 'HAPROXY_SOCKET';
  constructor(message: string) {
    super(message);
    this.name = 'SocketError';
  }
}

/**
 * Sends one command to an HAProxy unix socket (admin or master CLI, non-interactive) and resolves
 * with everything it answers before closing. Node's `net` keeps socat out of the runtime image.
 */
export function sendCommand(path: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = createConnection(path);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new SocketError(`${command}: no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.end(`${command}\n`));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new SocketError(`${command}: ${path}: ${e.message}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
