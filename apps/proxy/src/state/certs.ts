import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function files(dir: string, accept: (name: string) => boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => accept(n) && !n.startsWith('.') && !n.endsWith('.tmp'))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
}

/** Certificates in crt-list order: CERTS_DIR files, then `cert-*`/`cert_*` secrets (as upstream), then CERTS. */
export function listCerts(certsDir: string, secretsDir: string, extra: readonly string[]): string[] {
  return [...files(certsDir, () => true), ...files(secretsDir, (n) => /^cert[-_]/.test(n)), ...extra];
}

/** A certificate file name from `certName` or a domain: no directories, no hidden files. */
export function certFileName(name: string): string | undefined {
  const base = name.replace(/^\*\./, 'wildcard.');
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/.test(base) ? base : undefined;
}
