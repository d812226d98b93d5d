import type { Destination, UserEntry } from '@flowproxy/protocol';
import type { AclModel, Directive, UserModel, UserlistModel } from './model.js';
import { DEFAULT_REALM, DEFAULT_USERLIST, serviceRealm, serviceUserlist } from './names.js';
import type { ProxySettings, RenderService } from './settings.js';
import { d, plain, quoted } from './words.js';

/** Which userlist protects a backend, if any. */
export interface AuthChoice {
  readonly userlist: string;
  readonly realm: string;
}

const toUsers = (entries: readonly UserEntry[], encrypted: boolean): UserModel[] =>
  entries.flatMap((u) => (u.password ? [{ name: plain(u.user), password: u.password, encrypted }] : []));

/** The global USERS list (`userlist defaultUsers`), or undefined when USERS is empty. */
export function globalUserlist(s: ProxySettings): UserlistModel | undefined {
  const users = toUsers(s.users, s.usersPassEncrypted);
  return users.length > 0 ? { name: DEFAULT_USERLIST, users } : undefined;
}

/** Whether the service asked for its own users (even if none resolved: it is then locked, never opened). */
export const hasServiceUsers = (rs: RenderService): boolean =>
  rs.users.length > 0 || rs.spec.users.length > 0 || rs.spec.usersSecret !== undefined;

/**
 * The service's own userlist. Users whose password could not be resolved are left out; a list
 * left empty makes http_auth always fail, i.e. 401 for everyone, which is what upstream's random
 * dummyUser achieved, without randomness in the config.
 */
export function serviceUserlistModel(rs: RenderService): UserlistModel | undefined {
  if (!hasServiceUsers(rs)) return undefined;
  return { name: serviceUserlist(rs.spec.aclName), users: toUsers(rs.users, rs.usersPassEncrypted) };
}

/**
 * A service's own users REPLACE the global USERS for it (upstream's docs and the walkthrough;
 * upstream's code demanded both). ignoreAuthorization on a destination skips auth entirely.
 */
export function chooseAuth(
  rs: RenderService,
  dest: Destination,
  global: UserlistModel | undefined,
): AuthChoice | undefined {
  if (dest.ignoreAuthorization) return undefined;
  if (hasServiceUsers(rs))
    return { userlist: serviceUserlist(rs.spec.aclName), realm: serviceRealm(rs.spec.aclName) };
  if (global) return { userlist: DEFAULT_USERLIST, realm: DEFAULT_REALM };
  return undefined;
}

export function authAcl(choice: AuthChoice): AclModel {
  return { name: `${choice.userlist}Acl`, criterion: [`http_auth(${choice.userlist})`] };
}

/** Challenge unless authenticated, then drop the credentials so the service never sees them. */
export function authRules(choice: AuthChoice): Directive[] {
  return [
    d('http-request', 'auth', 'realm', choice.realm, 'if', `!${choice.userlist}Acl`),
    d('http-request', 'del-header', 'Authorization'),
  ];
}

export function userLine(u: UserModel): Directive {
  return d('user', u.name, u.encrypted ? 'password' : 'insecure-password', quoted(u.password));
}
