import { errorBody } from '@flowproxy/runtime';
import type { Result } from '../control/result.js';
import { PROXY_ERRORS, type ProxyErrorCode } from '../errors/catalogue.js';

/** An HTTP answer: status and JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** The error body of a catalogued code (the shape both apps share, runtime's errorBody). */
export const errorReply = (
  code: ProxyErrorCode,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
): Reply => {
  const { status } = PROXY_ERRORS[code];
  return { status, body: errorBody(status, code, message, [], extra) };
};

/**
 * The one place a use case's result becomes HTTP: success is 200 with upstream's `Status: 'OK'`,
 * `Message` and the result's fields; a failure gets its code's status from the catalogue and the
 * shared error body.
 */
export function toReply(result: Result): Reply {
  if (result.ok)
    return { status: 200, body: { Status: 'OK', Message: result.message ?? '', ...result.fields } };
  const status = result.status ?? PROXY_ERRORS[result.code].status;
  return {
    status,
    body: errorBody(status, result.code, result.message, result.errors, result.fields ?? {}),
  };
}
