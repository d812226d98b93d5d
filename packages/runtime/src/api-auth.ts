import { createHash, timingSafeEqual } from 'node:crypto';
import type { EnvVar } from './env.js';

/** Credentials of the management APIs (both apps): basic (user + password) and/or a bearer token. */
export interface ApiCredentials {
  readonly user: string;
  readonly pass: string;
  readonly token: string;
}

export const NO_API_AUTH: ApiCredentials = { user: '', pass: '', token: '' };

/** The challenge of a 401: both schemes the APIs accept. */
export const WWW_AUTHENTICATE = 'Basic realm="flowproxy", Bearer realm="flowproxy"';

export const apiAuthEnabled = (c: ApiCredentials): boolean => c.token !== '' || c.user !== '';

function noColon(raw: string): string {
  if (raw.includes(':'))
    throw new Error('must not contain ":" (basic authentication separates user and password with it)');
  return raw;
}

/**
 * The env table rows both apps share; like every variable they can come from secrets
 * (`dfp_api_user`, `dfp_api_pass`, `dfp_api_token`).
 */
export const API_AUTH_ENV = {
  apiUser: {
    name: 'API_USER',
    parse: noColon,
    default: '',
    sensitive: true,
    doc: "With API_PASS: every API endpoint except `ping` (and the proxy's healthcheck `healthy`) requires this user (HTTP basic), or API_TOKEN; the proxy and the listener send it to each other and replicas to their peers. 401 `UNAUTHORIZED` otherwise",
  } satisfies EnvVar<string>,
  apiPass: {
    name: 'API_PASS',
    parse: (raw: string) => raw,
    default: '',
    sensitive: true,
    doc: 'Password of API_USER',
  } satisfies EnvVar<string>,
  apiToken: {
    name: 'API_TOKEN',
    parse: (raw: string) => {
      if (!/^[\x21-\x7e]+$/.test(raw)) throw new Error('must be printable ASCII without spaces');
      return raw;
    },
    default: '',
    sensitive: true,
    doc: 'Bearer token accepted by the APIs (`Authorization: Bearer <token>`), alone or besides API_USER; sent (rather than basic) when set',
  } satisfies EnvVar<string>,
};

/** Problems of a credential set (API_USER without API_PASS and the reverse). */
export function apiAuthProblems(c: ApiCredentials): string[] {
  if ((c.user === '') !== (c.pass === '')) return ['API_USER and API_PASS must be set together'];
  return [];
}

/** Compares digests so that neither the content nor the length of a secret leaks through timing. */
function same(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** True when the Authorization header carries the token or the user and password. */
export function authorized(header: string | undefined, c: ApiCredentials): boolean {
  if (!apiAuthEnabled(c)) return true;
  if (header === undefined) return false;
  const m = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!m) return false;
  const scheme = (m[1] ?? '').toLowerCase();
  const value = m[2] ?? '';
  if (scheme === 'bearer') return c.token !== '' && same(value, c.token);
  if (scheme === 'basic' && c.user !== '') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    // Both compared, always: no early exit on a wrong user.
    const i = decoded.indexOf(':');
    const okUser = same(i < 0 ? decoded : decoded.slice(0, i), c.user);
    const okPass = same(i < 0 ? '' : decoded.slice(i + 1), c.pass);
    return okUser && okPass;
  }
  return false;
}

/** The Authorization header to send to the other app or a peer replica (token preferred). */
export function authorizationHeaders(c: ApiCredentials): Record<string, string> {
  if (c.token !== '') return { Authorization: `Bearer ${c.token}` };
  if (c.user !== '')
    return { Authorization: `Basic ${Buffer.from(`${c.user}:${c.pass}`).toString('base64')}` };
  return {};
}
