import type { UserEntry } from '@flowproxy/protocol';

/** A `DEFAULT_PORTS` / `BIND_PORTS` entry: `80`, `443:ssl`, `80 accept-proxy`, `443 accept-proxy:ssl`. */
export interface BindSpec {
  readonly port: number;
  readonly ssl: boolean;
  /** Extra bind options after the port, validated tokens (e.g. accept-proxy). */
  readonly options: readonly string[];
}

/**
 * Everything the renderer needs from the operator (env vars and secrets, already validated by
 * env.ts). Pure data: the renderer never reads the environment or the file system.
 */
export interface ProxySettings {
  /** Directory holding haproxy.cfg, map files and crt-list (env CONFIG_DIR). */
  readonly configDir: string;
  /** Directory for the admin socket, master socket and server-state file. */
  readonly runtimeDir: string;
  readonly defaultPorts: readonly BindSpec[];
  readonly bindPorts: readonly BindSpec[];
  readonly defaultReqMode: 'http' | 'tcp';
  readonly connectionMode: string;
  readonly timeouts: {
    readonly connect: number;
    readonly client: number;
    readonly server: number;
    readonly queue: number;
    readonly tunnel: number;
    readonly httpRequest: number;
    readonly httpKeepAlive: number;
  };
  /** Stats are rendered only when both are set; `none`/`none` means no auth (as upstream). */
  readonly statsUser?: string;
  readonly statsPass?: string;
  readonly statsUri: string;
  readonly statsPort?: number;
  /** Global USERS, already parsed (and resolved from dfp_users when a secret). */
  readonly users: readonly UserEntry[];
  readonly usersPassEncrypted: boolean;
  readonly extraGlobal: readonly string[];
  readonly extraFrontend: readonly string[];
  readonly captureRequestHeader: readonly { readonly name: string; readonly length: number }[];
  readonly serviceDomainAlgo: string;
  readonly httpsOnly: boolean;
  readonly debug: boolean;
  /** Lines of the `resolvers docker` section, e.g. `nameserver dns 127.0.0.11:53`; empty -> parse-resolv-conf. */
  readonly resolvers: readonly string[];
  /** init-addr of server lines; `last,none` by default so a name that does not resolve never blocks a reload. */
  readonly initAddr: string;
  /** Seconds between DNS re-queries (hold valid); small so task changes apply quickly. */
  readonly dnsHoldValidSeconds: number;
  /** Server slots per DNS-discovered backend when replicas is unknown or smaller. */
  readonly serverSlots: number;
  readonly compressionAlgo?: string;
  readonly compressionType?: string;
  readonly enableH2: boolean;
  readonly sslBindOptions: string;
  readonly sslBindCiphers: string;
  /** Absolute paths of certificate files (PEM with key), in crt-list order (first = default). */
  readonly certs: readonly string[];
  /**
   * Data-plane failover: health checks of every server line, `retries` and `option redispatch
   * <interval>` in defaults. Together with timeouts.connect they bound how long a request sent to
   * a task that died with its node waits before another task answers it.
   */
  readonly failover: {
    readonly checkInterMs: number;
    readonly checkFall: number;
    readonly checkRise: number;
    readonly retries: number;
    readonly redispatchInterval: number;
  };
  /** Bounds how long old workers may drain after a reload. */
  readonly hardStopAfterSeconds: number;
  /**
   * CA_FILE: the CA that client certificates must be signed by (verifyClientSsl). A path, or the
   * PEM itself (from the `dfp_ca_file` secret), which the renderer writes as `ca-file.pem`.
   */
  readonly caFile?: string;
  /** CRT_LIST_PATH: an operator-managed crt-list used on TLS binds instead of the generated one. */
  readonly crtListPath?: string;
  /** Unix socket of HAProxy's Prometheus exporter, read by the control plane; none when undefined. */
  readonly metricsSocket?: string;
}

/** A service as the renderer receives it: the validated spec plus its resolved auth users. */
export interface RenderService {
  readonly spec: import('@flowproxy/protocol').ServiceSpec;
  /**
   * Users protecting this service: its own `users`/`usersSecret` (passwords filled in), or empty
   * when it has none (the global USERS then apply unless a destination sets ignoreAuthorization).
   */
  readonly users: readonly UserEntry[];
  /** Whether `users` are crypt(3) hashes. */
  readonly usersPassEncrypted: boolean;
}

export interface RenderInput {
  readonly services: readonly RenderService[];
  readonly settings: ProxySettings;
}

/** The rendered configuration: haproxy.cfg plus auxiliary files (maps, crt-list) by file name in configDir. */
export interface RenderedConfig {
  readonly haproxyCfg: string;
  readonly files: Readonly<Record<string, string>>;
  /** Services or values left out or adjusted while rendering (name collisions, unsafe values...), for the log. */
  readonly warnings?: readonly string[];
  /** The services left out, typed (the reload pipeline answers their requests with these). */
  readonly rejections?: readonly import('./model.js').ServiceRejection[];
}
