import { parseServiceSpec } from '@flowproxy/protocol';
import type { ProxySettings, RenderService } from '../../../src/config/settings.js';

export const SETTINGS: ProxySettings = {
  configDir: '/cfg',
  runtimeDir: '/run/fp',
  defaultPorts: [
    { port: 80, ssl: false, options: [] },
    { port: 443, ssl: true, options: [] },
  ],
  bindPorts: [],
  defaultReqMode: 'http',
  connectionMode: 'http-keep-alive',
  timeouts: {
    connect: 5,
    client: 20,
    server: 20,
    queue: 30,
    tunnel: 3600,
    httpRequest: 5,
    httpKeepAlive: 15,
  },
  statsUri: '/admin?stats',
  users: [],
  usersPassEncrypted: false,
  extraGlobal: [],
  extraFrontend: [],
  captureRequestHeader: [],
  serviceDomainAlgo: 'hdr(host)',
  httpsOnly: false,
  debug: false,
  resolvers: ['nameserver dns 127.0.0.1:1'],
  initAddr: 'last,none',
  dnsHoldValidSeconds: 1,
  serverSlots: 4,
  enableH2: true,
  sslBindOptions: 'no-sslv3',
  sslBindCiphers: 'ECDH+AESGCM',
  certs: [],
  failover: { checkInterMs: 1000, checkFall: 2, checkRise: 1, retries: 3, redispatchInterval: 1 },
  hardStopAfterSeconds: 30,
};

/** A RenderService from reconfigure parameters, through the real protocol parser. */
export function svc(params: Record<string, string | number | boolean>): RenderService {
  const parsed = parseServiceSpec(params, { allowRawConfig: true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return {
    spec: parsed.spec,
    users: parsed.spec.users.filter((u) => u.password),
    usersPassEncrypted: parsed.spec.usersPassEncrypted,
  };
}

/** The lines of a named section of a rendered config, trimmed. */
export function sectionLines(cfg: string, header: string): string[] {
  const lines = cfg.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith('    ')) break;
    out.push(l.trim());
  }
  return out;
}
