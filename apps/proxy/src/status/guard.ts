import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export interface Credentials {
  readonly user: string;
  readonly pass: string;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** `Authorization: Basic …` decoded, or undefined. */
export function basicCredentials(header: string | undefined): Credentials | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), pass: text.slice(i + 1) };
}

/**
 * The status page is open when no credentials are configured; otherwise any of the accepted
 * user/password pairs (HTTP basic, so a browser asks for them) or the bearer token lets a request in.
 */
export function statusGuard(accepted: readonly Credentials[], token?: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (accepted.length === 0 && !token) return next();
    const auth = req.headers.authorization;
    if (token && auth?.startsWith('Bearer ') && same(auth.slice(7), token)) return next();
    const c = basicCredentials(auth);
    if (c && accepted.some((a) => same(a.user, c.user) && same(a.pass, c.pass))) return next();
    res.setHeader('WWW-Authenticate', 'Basic realm="flowproxy status", charset="UTF-8"');
    res.status(401).json({ status: 401, code: 'UNAUTHORIZED', message: 'credentials required' });
  };
}
