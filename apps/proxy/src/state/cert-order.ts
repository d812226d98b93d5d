import { basename } from 'node:path';

/** `*` and `?` as in a shell glob; everything else literal. */
function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * PREFERRED_CERTIFICATE: certificates matching the globs go first, in the order of the globs (the
 * first crt-list entry is HAProxy's default certificate); the rest keep their order. A glob
 * matches the file name or the whole path.
 */
export function preferCerts(files: readonly string[], globs: readonly string[]): string[] {
  if (globs.length === 0) return [...files];
  const patterns = globs.map(globRegExp);
  const rank = (f: string): number => {
    const i = patterns.findIndex((p) => p.test(basename(f)) || p.test(f));
    return i < 0 ? patterns.length : i;
  };
  return files
    .map((f, i) => ({ f, i, r: rank(f) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}
