/**
 * The shape both apps' error catalogues and error bodies share. A catalogue maps each stable code
 * to its HTTP status and meaning; docs/ERRORS.md is generated from the catalogues.
 */
export interface ErrorDef {
  readonly status: number;
  /** What happened and what the caller can do, one sentence or two (docs/ERRORS.md). */
  readonly meaning: string;
}

export type ErrorCatalogue<C extends string = string> = Readonly<Record<C, ErrorDef>>;

/** One problem with one input field (a query parameter, a body field, a label). */
export interface FieldIssue {
  readonly param: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Every error answer of both APIs: `status`/`code`/`message`/`errors` for programs, `Status: 'NOK'`
 * and `Message` as upstream (Docker Flow Proxy / Swarm Listener clients read those), plus
 * endpoint-specific upstream fields (e.g. `ServiceName`).
 */
export interface ErrorBody {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly errors: readonly FieldIssue[];
  readonly Status: 'NOK';
  readonly Message: string;
  readonly [extra: string]: unknown;
}

export function errorBody(
  status: number,
  code: string,
  message: string,
  errors: readonly FieldIssue[] = [],
  extra: Readonly<Record<string, unknown>> = {},
): ErrorBody {
  return { status, code, message, errors, Status: 'NOK', Message: message, ...extra };
}

/** A catalogue as a markdown table (code, status, meaning), sorted by status then code. */
export function errorTableMarkdown(catalogue: ErrorCatalogue): string {
  const rows = Object.entries(catalogue)
    .sort(([a, x], [b, y]) => x.status - y.status || (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, d]) => `| \`${code}\` | ${d.status} | ${d.meaning.replace(/\|/g, '\\|')} |`);
  return ['| code | HTTP status | meaning |', '| --- | --- | --- |', ...rows, ''].join('\n');
}
