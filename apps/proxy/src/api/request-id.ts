import type { NextFunction, Request, Response } from 'express';
import { acceptRequestId, newRequestId, REQUEST_ID_HEADER, withRequestId } from '@flowproxy/runtime';

/**
 * Adopts the caller's X-Request-Id (the listener sends one per notification) or makes one, echoes
 * it, and runs the request inside it: every log line written on its behalf, down to the reload that
 * applies it, names it.
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  const id = acceptRequestId(req.headers[REQUEST_ID_HEADER]) ?? newRequestId();
  res.setHeader('X-Request-Id', id);
  withRequestId(id, next);
}
