import { CA_FILE_NAME } from './names.js';
import type { ProxySettings } from './settings.js';

const isPem = (v: string): boolean => v.trimStart().startsWith('-----BEGIN');

/** Where HAProxy reads the client CA: CA_FILE as given, or the file written from its PEM. */
export function clientCaPath(s: ProxySettings): string | undefined {
  if (!s.caFile) return undefined;
  return isPem(s.caFile) ? `${s.configDir}/${CA_FILE_NAME}` : s.caFile;
}

/** The CA file to write next to haproxy.cfg when CA_FILE holds the PEM itself (a secret). */
export function clientCaFiles(s: ProxySettings): Record<string, string> {
  if (!s.caFile || !isPem(s.caFile)) return {};
  return { [CA_FILE_NAME]: s.caFile.endsWith('\n') ? s.caFile : `${s.caFile}\n` };
}

/**
 * Bind words of upstream's CA_FILE: `ca-file <f> verify optional` on every TLS bind, so clients
 * may present a certificate and services with verifyClientSsl=true require a valid one.
 */
export function clientCaWords(s: ProxySettings): string[] {
  const path = clientCaPath(s);
  return path ? ['ca-file', path, 'verify', 'optional'] : [];
}
