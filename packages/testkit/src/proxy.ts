import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './docker.js';
import { eventually } from './eventually.js';
import { freePort } from './ports.js';
import { alive, startProcess, type Started } from './procs.js';

export interface ProxyDirs {
  readonly root: string;
  readonly config: string;
  readonly runtime: string;
  readonly secrets: string;
  readonly certs: string;
}

export interface StartedProxy {
  readonly apiUrl: string;
  readonly httpUrl: string;
  readonly apiPort: number;
  readonly httpPort: number;
  readonly dirs: ProxyDirs;
  readonly process: Started;
  /** Everything the control plane logged (JSON lines, HAProxy's output included). */
  log(): string;
  /** SIGTERM: the control plane stops HAProxy too. Kills a leftover HAProxy master by its pid file. */
  stop(): Promise<void>;
  /** SIGKILL of the control plane only: HAProxy keeps serving (restart tests). */
  kill(): Promise<void>;
  /** Pid of the HAProxy master (from its pid file). */
  haproxyPid(): number | undefined;
}

export interface StartProxyOptions {
  /** Extra or overriding env vars (RESOLVERS, USERS, STATS_USER, LISTENER_ADDRESS, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse the directories (and ports) of an earlier proxy: a control-plane restart. */
  readonly reuse?: Pick<StartedProxy, 'dirs' | 'apiPort' | 'httpPort'>;
  /** Fixed ports (e.g. to list every replica in PEERS before starting them); free ones otherwise. */
  readonly apiPort?: number;
  readonly httpPort?: number;
  /** Wait until `successfulinitreload` answers 200 (default: only until `ping` answers). */
  readonly waitReady?: boolean;
}

/**
 * Starts the proxy as users run it outside a container: `node apps/proxy/dist/main.js` (build
 * first) with HAProxy from PATH, its directories under a temp dir, free ports, output to a file.
 * RESOLVERS defaults to a loopback port where nothing answers and PEERS to the proxy itself, so
 * neither HAProxy nor node ever asks the host's resolver.
 */
export async function startProxy(opts: StartProxyOptions = {}): Promise<StartedProxy> {
  const root = opts.reuse?.dirs.root ?? mkdtempSync(join(tmpdir(), 'flowproxy-proxy-'));
  const dirs: ProxyDirs = opts.reuse?.dirs ?? {
    root,
    config: join(root, 'cfg'),
    runtime: join(root, 'run'),
    secrets: join(root, 'secrets'),
    certs: join(root, 'certs'),
  };
  for (const d of [dirs.config, dirs.runtime, dirs.secrets, dirs.certs]) mkdirSync(d, { recursive: true });
  const apiPort = opts.reuse?.apiPort ?? opts.apiPort ?? (await freePort());
  const httpPort = opts.reuse?.httpPort ?? opts.httpPort ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    API_PORT: String(apiPort),
    DEFAULT_PORTS: String(httpPort),
    CONFIG_DIR: dirs.config,
    RUNTIME_DIR: dirs.runtime,
    SECRETS_DIR: dirs.secrets,
    CERTS_DIR: dirs.certs,
    RESOLVERS: 'nameserver dns 127.0.0.1:9',
    PEERS: `127.0.0.1:${apiPort}`,
    ...opts.env,
  };
  const main = join(REPO_ROOT, 'apps', 'proxy', 'dist', 'main.js');
  const p = startProcess(process.execPath, [main], {
    logFile: join(root, `proxy-${Date.now()}.log`),
    env,
    cwd: REPO_ROOT,
  });
  const apiUrl = `http://127.0.0.1:${apiPort}/v1/docker-flow-proxy`;
  const haproxyPid = (): number | undefined => {
    try {
      return Number(readFileSync(join(dirs.runtime, 'haproxy.pid'), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  try {
    await eventually(
      async () => {
        if (p.child.exitCode !== null)
          throw new Error(`proxy exited with ${p.child.exitCode}: ${p.log().slice(-2000)}`);
        const res = await fetch(`${apiUrl}/${opts.waitReady ? 'successfulinitreload' : 'ping'}`);
        if (res.status !== 200) throw new Error(`proxy not ready: ${res.status}`);
      },
      { timeoutMs: 20000, intervalMs: 50 },
    );
  } catch (e) {
    // Never leave a half-started proxy behind: it would keep the test runner alive.
    await p.stop('SIGTERM', 3000);
    const pid = haproxyPid();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    throw e;
  }
  return {
    apiUrl,
    httpUrl: `http://127.0.0.1:${httpPort}`,
    apiPort,
    httpPort,
    dirs,
    process: p,
    log: () => p.log(),
    haproxyPid,
    async stop() {
      await p.stop('SIGTERM', 8000);
      const pid = haproxyPid();
      if (pid && alive(pid)) {
        process.kill(pid, 'SIGTERM');
        await eventually(() => {
          if (alive(pid)) throw new Error('haproxy still running');
        }).catch(() => process.kill(pid, 'SIGKILL'));
      }
    },
    kill: () => p.stop('SIGKILL'),
  };
}
