import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One environment variable: its parser, default and documentation; the table generates docs/CONFIG.md. */
export interface EnvVar<T> {
  readonly name: string;
  readonly parse: (raw: string) => T;
  readonly default: T;
  /** Default as documented (when it is not simply String(default)). */
  readonly defaultDoc?: string;
  readonly doc: string;
  /** Value is sensitive: never logged, masked in docs of the running config. */
  readonly sensitive?: boolean;
  /** Secret file name; `dfp_<lowercase name>` unless given; `null` when it cannot come from a secret. */
  readonly secretName?: string | null;
}

export class EnvError extends Error {
  readonly code = 'ENV_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'EnvError';
  }
}

export interface EnvSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory of Docker secrets (default /run/secrets). */
  readonly secretsDir: string;
}

export function secretFileName(v: EnvVar<unknown>): string | null {
  return v.secretName === null ? null : (v.secretName ?? `dfp_${v.name.toLowerCase()}`);
}

/** Reads a secret file; trailing newlines are trimmed as upstream (`echo x | docker secret create`). */
export function readSecret(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'utf8').replace(/[\r\n]+$/, '');
  } catch {
    return undefined;
  }
}

/**
 * Resolves every variable of the table: the secret file `dfp_<name>` wins when it exists (as
 * upstream's getSecretOrEnvVar), then the env var when non-empty, then the default. All bad values
 * are collected into one EnvError so start-up names every problem at once.
 */
export function loadEnv<T extends Record<string, EnvVar<unknown>>>(
  table: T,
  source: EnvSource,
): { [K in keyof T]: T[K] extends EnvVar<infer V> ? V : never } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, v] of Object.entries(table)) {
    const file = secretFileName(v);
    const fromSecret = file ? readSecret(source.secretsDir, file) : undefined;
    const raw = fromSecret ?? (source.env[v.name] !== '' ? source.env[v.name] : undefined);
    if (raw === undefined) {
      out[key] = v.default;
      continue;
    }
    try {
      out[key] = v.parse(raw);
    } catch (e) {
      const shown = v.sensitive ? '***' : JSON.stringify(raw);
      const where = fromSecret !== undefined ? `secret ${file}` : `env ${v.name}`;
      problems.push(`${v.name} (${where}) = ${shown}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) throw new EnvError(problems);
  return out as { [K in keyof T]: T[K] extends EnvVar<infer V> ? V : never };
}

// ---- parsers ------------------------------------------------------------------------------------

export const str = (raw: string): string => raw;

export function int(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const t = raw.trim();
    if (!/^-?[0-9]+$/.test(t) || Number(t) < min || Number(t) > max) {
      throw new Error(`must be a whole number from ${min} to ${max}`);
    }
    return Number(t);
  };
}

export function bool(raw: string): boolean {
  const t = raw.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new Error('must be true or false');
}

export function oneOf<V extends string>(values: readonly V[]): (raw: string) => V {
  return (raw) => {
    const t = raw.trim();
    if (!(values as readonly string[]).includes(t)) throw new Error(`must be one of: ${values.join(', ')}`);
    return t as V;
  };
}

export function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Markdown table of an env table, for docs/CONFIG.md. */
export function envTableMarkdown(table: Record<string, EnvVar<unknown>>): string {
  const rows = Object.values(table).map((v) => {
    const def =
      v.defaultDoc ??
      (v.default === undefined || v.default === ''
        ? '—'
        : `\`${typeof v.default === 'string' ? v.default : JSON.stringify(v.default)}\``);
    const secret = secretFileName(v);
    return `| \`${v.name}\` | ${def} | ${secret ? `\`${secret}\`` : '—'} | ${v.doc.replace(/\|/g, '\\|')} |`;
  });
  return '| Variable | Default | Secret file | Meaning |\n|---|---|---|---|\n' + rows.join('\n') + '\n';
}

/**
 * Replaces the generated part of a shared doc (docs/CONFIG.md holds one section per app) between
 * `start` and `end` markers, or appends it when the markers are missing. `section` includes them.
 */
export function replaceMarkedSection(doc: string, start: string, end: string, section: string): string {
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) return doc.slice(0, a) + section + doc.slice(b + end.length);
  const base = doc.length === 0 ? '# Configuration\n' : doc;
  return `${base.replace(/\n*$/, '\n')}\n${section}\n`;
}

/** Rewrites one marked section of a doc file in place (created when missing); true when it changed. */
export function writeMarkedSection(file: string, start: string, end: string, section: string): boolean {
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const after = replaceMarkedSection(before, start, end, section);
  if (after !== before) writeFileSync(file, after);
  return after !== before;
}
