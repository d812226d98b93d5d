import type { ParamIssue } from '@flowproxy/protocol';
import type { ProxyErrorCode } from '../errors/catalogue.js';

/** A use case that worked: the upstream `Message` and fields of the answer (`ServiceName`, ...). */
export interface Success {
  readonly ok: true;
  readonly message?: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * A use case that did not: a catalogued code (errors/catalogue.ts gives its HTTP status), what
 * happened, the parameters at fault, and upstream fields of the answer (`ServiceName`, ...).
 */
export interface Failure<C extends ProxyErrorCode = ProxyErrorCode> {
  readonly ok: false;
  readonly code: C;
  readonly message: string;
  readonly errors: readonly ParamIssue[];
  readonly fields?: Readonly<Record<string, unknown>>;
  /** Only for DISTRIBUTE_FAILED: the 4xx every replica answered, instead of the catalogue's 500. */
  readonly status?: number;
}

/** What every use case of control/ (and distribute/) returns; api/reply.ts turns it into HTTP. */
export type Result = Success | Failure;

export const success = (message = '', fields: Readonly<Record<string, unknown>> = {}): Success => ({
  ok: true,
  message,
  fields,
});

export function failure<C extends ProxyErrorCode>(
  code: C,
  message: string,
  errors: readonly ParamIssue[] = [],
  fields: Readonly<Record<string, unknown>> = {},
): Failure<C> {
  return { ok: false, code, message, errors, fields };
}
