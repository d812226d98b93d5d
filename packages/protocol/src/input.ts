import type { ParamIssue } from './spec.js';

/** What parseServiceSpec accepts: a query string, URLSearchParams (query or urlencoded body) or a JSON object. */
export type ParamInput = string | URLSearchParams | Readonly<Record<string, unknown>>;

/**
 * Flattens every input form into one name -> string map so the three forms give the same spec.
 * A name given twice is an error rather than "first wins": two values for one route are ambiguous.
 */
export function toEntries(input: ParamInput): { entries: Map<string, string>; issues: ParamIssue[] } {
  const entries = new Map<string, string>();
  const issues: ParamIssue[] = [];
  const add = (key: string, value: string): void => {
    if (entries.has(key) && entries.get(key) !== value) {
      issues.push({ param: key, code: 'PARAM_DUPLICATE', message: `${key} is given more than once` });
      return;
    }
    entries.set(key, value);
  };
  if (typeof input === 'string' || input instanceof URLSearchParams) {
    const params = typeof input === 'string' ? new URLSearchParams(input.replace(/^\?/, '')) : input;
    for (const [k, v] of params) add(k, v);
    return { entries, issues };
  }
  for (const [k, raw] of Object.entries(input)) {
    const values = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    for (const v of values) {
      if (v === undefined || v === null) continue;
      if (typeof v === 'string') add(k, v);
      else if (typeof v === 'number' || typeof v === 'boolean') add(k, String(v));
      else
        issues.push({ param: k, code: 'PARAM_INVALID', message: `${k} must be a string, number or boolean` });
    }
  }
  return { entries, issues };
}
