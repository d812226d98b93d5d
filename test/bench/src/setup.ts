import {
  fastBackendConfig,
  freePort,
  startDns,
  startHaproxy,
  startProxy,
  type Dns,
  type StartedProxy,
} from '@flowproxy/testkit';

export interface Backend {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** The fastest possible upstream: an HAProxy answering 200 itself, so the proxy hop is what we measure. */
export async function startBackend(): Promise<Backend> {
  const port = await freePort();
  const h = startHaproxy(fastBackendConfig(port), 'bench-backend');
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).status === 200) break;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { port, url, stop: () => h.stop() };
}

export async function startBenchDns(): Promise<Dns> {
  return startDns({});
}

/** A proxy resolving tasks.<svc> through our private DNS only. */
export function startBenchProxy(dns: Dns, env: Record<string, string> = {}): Promise<StartedProxy> {
  return startProxy({ env: { RESOLVERS: `nameserver dns ${dns.address}`, ...env } });
}
