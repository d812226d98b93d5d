import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { validateCertificate, type CertCheck } from './cert-check.js';

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

/**
 * Keeps the certificate files that HAProxy can load: one bad file (left by an older version, or
 * copied in by hand) would make HAProxy refuse the whole configuration at start. Each file is
 * checked once per content (path, size, mtime) and a bad one is reported once, then skipped.
 */
export function usableCerts(onSkip: (file: string, reason: string) => void): (files: string[]) => string[] {
  const seen = new Map<string, { stamp: string; ok: boolean }>();
  return (files) =>
    files.filter((file) => {
      let stamp: string;
      try {
        const st = statSync(file);
        stamp = `${st.size}:${st.mtimeMs}`;
      } catch {
        return false;
      }
      const known = seen.get(file);
      if (known?.stamp === stamp) return known.ok;
      let check: CertCheck;
      try {
        check = validateCertificate(readFileSync(file, 'utf8'));
      } catch (e) {
        check = { ok: false, message: (e as Error).message };
      }
      seen.set(file, { stamp, ok: check.ok });
      if (!check.ok) onSkip(file, check.message);
      return check.ok;
    });
}

/** One certificate as upstream's `GET /certs` lists it (server/cert.go). */
export interface CertEntry {
  readonly ServicePort: string;
  readonly ProxyServiceName: string;
  readonly CertsDir: string;
  readonly CertContent: string;
}

/** The certificates a replica holds, secrets left out (every replica mounts its own), as upstream. */
export function certEntries(files: readonly string[], secretsDir: string): CertEntry[] {
  return files
    .filter((f) => !f.startsWith(`${secretsDir}/`))
    .flatMap((f) => {
      try {
        const CertContent = readFileSync(f, 'utf8');
        return [{ ServicePort: '', ProxyServiceName: basename(f), CertsDir: dirname(f), CertContent }];
      } catch {
        return []; // vanished since the listing
      }
    });
}

/** The content of a certificate file of CERTS_DIR, undefined when there is none. */
export function certFileReader(certsDir: string): (name: string) => string | undefined {
  return (name) => {
    try {
      return readFileSync(join(certsDir, name), 'utf8');
    } catch {
      return undefined;
    }
  };
}
