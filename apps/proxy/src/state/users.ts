import { readSecret } from '@flowproxy/runtime';
import { parseUserList, type ServiceSpec, type UserEntry } from '@flowproxy/protocol';

export class UsersError extends Error {
  readonly code = 'USERS_UNRESOLVED';
  constructor(
    readonly param: 'users' | 'usersSecret',
    message: string,
  ) {
    super(message);
    this.name = 'UsersError';
  }
}

export interface ResolvedUsers {
  readonly users: readonly UserEntry[];
  readonly usersPassEncrypted: boolean;
}

/**
 * The users protecting one service. Its own `users` and the `dfp_users_<usersSecret>` secret
 * replace the global USERS for it (as the walkthrough says); a user listed without a password takes
 * it from the secret, then from USERS. No users of its own: empty (the global USERS then apply).
 * Throws UsersError naming the parameter when a secret is missing or a password cannot be found.
 */
export function resolveUsers(
  spec: ServiceSpec,
  opts: { readonly secretsDir: string; readonly globalUsers: readonly UserEntry[] },
): ResolvedUsers {
  if (spec.users.length === 0 && spec.usersSecret === undefined)
    return { users: [], usersPassEncrypted: false };
  let fromSecret: UserEntry[] = [];
  if (spec.usersSecret !== undefined) {
    const name = `dfp_users_${spec.usersSecret}`;
    const text = readSecret(opts.secretsDir, name);
    if (text === undefined)
      throw new UsersError('usersSecret', `usersSecret: secret ${name} is not mounted in the proxy`);
    // The same user:password rule as the users parameter and env USERS (protocol's parseUserList).
    const parsed = parseUserList(text, true);
    if (!parsed.ok)
      throw new UsersError(
        'usersSecret',
        `usersSecret: secret ${name} must hold user:password entries (${parsed.error})`,
      );
    fromSecret = parsed.value;
  }
  const lookup = (user: string): string | undefined =>
    fromSecret.find((u) => u.user === user)?.password ??
    opts.globalUsers.find((u) => u.user === user)?.password;
  const users: UserEntry[] = spec.users.map((u) => {
    const password = u.password ?? lookup(u.user);
    if (password === undefined) {
      throw new UsersError(
        'users',
        `users: ${u.user} has no password (give user:password, or define the user in usersSecret or USERS)`,
      );
    }
    return { user: u.user, password };
  });
  for (const u of fromSecret) if (!users.some((x) => x.user === u.user)) users.push(u);
  return { users, usersPassEncrypted: spec.usersPassEncrypted };
}

/** resolveUsers bound to the proxy's secrets directory and global USERS (read at each call). */
export const usersResolver =
  (secretsDir: string, globalUsers: readonly UserEntry[]): ((spec: ServiceSpec) => ResolvedUsers) =>
  (spec) =>
    resolveUsers(spec, { secretsDir, globalUsers });

const CRYPT = /^\$(1|2[aby]?|5|6|y|gy|7|sha1|md5)\$/;

/** Whether some hashed userlist protects a route: crypt(3) then runs on every request (SHA-512 ~1.5k rps/core). */
export const looksHashed = (u: ResolvedUsers): boolean =>
  u.usersPassEncrypted && u.users.some((x) => CRYPT.test(x.password ?? ''));
