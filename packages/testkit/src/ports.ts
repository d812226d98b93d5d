import { createServer } from 'node:net';

/**
 * Ports are drawn below Linux's ephemeral range (32768-60999 by default): a port the kernel hands
 * out (`listen(0)`) is also what it picks as the source port of outgoing connections, and with
 * HAProxy health checks, dockerd and the tests' own clients connecting all the time, one of them
 * took such a port before the proxy bound it (EADDRINUSE on the API port, a whole test file's
 * beforeAll failed in a CI run). No connection ever takes a source port below that range.
 */
const LOW = 20000;
const HIGH = 32767;

/** Whether nothing is bound to `port`, on every address (how the proxy's API and HAProxy bind). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

/** A TCP port that is free on every address right now and outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${LOW}-${HIGH} after 200 attempts`);
}

export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}
