import type { ServiceSpec } from '@flowproxy/protocol';

/** A spec fit for `config?type=json`: passwords and certificate contents replaced by `***`. */
export function maskSpec(spec: ServiceSpec): Record<string, unknown> {
  return {
    ...spec,
    users: spec.users.map((u) =>
      u.password === undefined ? { user: u.user } : { user: u.user, password: '***' },
    ),
    ...(spec.serviceCert !== undefined ? { serviceCert: '***' } : {}),
  };
}

const USER_LINE = /^(\s*user\s+\S+\s+(?:insecure-password|password)\s+)(?:'[^'\n]*'|\S+)/gm;
const STATS_AUTH = /^(\s*stats\s+auth\s+)(?:'[^'\n]*'|\S+)/gm;

/**
 * The `config` text without secrets: userlist passwords (plain or hashed: a crypt hash can be
 * cracked offline) and the stats credentials become `***`. Always masked, authenticated or not:
 * nobody needs them from the API, and operators have them. Raw lines an operator added
 * (EXTRA_GLOBAL, backendExtra) are shown as written.
 */
export function maskConfigText(cfg: string): string {
  return cfg.replace(USER_LINE, "$1'***'").replace(STATS_AUTH, "$1'***:***'");
}
