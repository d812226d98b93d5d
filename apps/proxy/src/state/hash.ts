import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// Specs are immutable once accepted, so each one's canonical text is computed once: the state hash
// is taken after every change, and re-serializing 1,000 specs each time cost most of a change's CPU.
const cache = new WeakMap<object, string>();

/** canonicalJson of an object that is never mutated, memoized by identity. */
export function canonicalJsonOfFrozen(value: object): string {
  let text = cache.get(value);
  if (text === undefined) {
    text = canonicalJson(value);
    cache.set(value, text);
  }
  return text;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
