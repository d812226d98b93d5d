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
