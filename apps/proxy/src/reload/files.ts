import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedConfig } from '../config/settings.js';

export const CFG_NAME = 'haproxy.cfg';

/** Writes one file atomically: readers (HAProxy at reload) see the old or the new bytes, never half. */
export function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/**
 * Writes a rendered configuration into `dir`: auxiliary files (maps, crt-list) first, haproxy.cfg
 * last, each by rename; files of the previous render that are gone are deleted.
 */
export function writeRendered(dir: string, rendered: RenderedConfig, previous?: RenderedConfig): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(rendered.files)) writeAtomic(join(dir, name), content);
  writeAtomic(join(dir, CFG_NAME), rendered.haproxyCfg);
  for (const name of Object.keys(previous?.files ?? {})) {
    if (!(name in rendered.files)) rmSync(join(dir, name), { force: true });
  }
}

export function sameRendered(a: RenderedConfig | undefined, b: RenderedConfig): boolean {
  if (!a || a.haproxyCfg !== b.haproxyCfg) return false;
  const ka = Object.keys(a.files).sort();
  const kb = Object.keys(b.files).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a.files[k] === b.files[k]);
}

export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The same render pointing at another directory: every `<from>/<file>` reference of haproxy.cfg to
 * one of its own files becomes `<to>/<file>` (validation in a scratch directory without re-rendering).
 */
export function relocate(rendered: RenderedConfig, from: string, to: string): RenderedConfig {
  let cfg = rendered.haproxyCfg;
  for (const name of Object.keys(rendered.files)) cfg = cfg.split(`${from}/${name}`).join(`${to}/${name}`);
  return { ...rendered, haproxyCfg: cfg };
}
