import { randomBytes } from 'node:crypto';
import type { ServiceSpec } from '@flowproxy/protocol';
import type { Logger } from '@flowproxy/runtime';
import type { RenderedConfig, RenderInput, RenderService } from './config/settings.js';
import { toSettings, type ProxyConfig } from './env.js';
import type { Placement } from './reload/pipeline.js';
import { sortedServices, type Services } from './state/routing-state.js';
import { UsersError, type ResolvedUsers } from './state/users.js';

/** Stable for the life of the process, so a locked service renders the same bytes every time. */
const LOCKED_PASSWORD = randomBytes(18).toString('base64url');

/**
 * Binds the pure renderer to the operator's configuration: resolves each service's users with the
 * same resolver the control plane validates with (secrets are read at render time, so a rotated
 * secret applies on the next render) and places the files.
 */
export function makeRender(
  cfg: ProxyConfig,
  renderConfig: (input: RenderInput) => RenderedConfig,
  logger: Logger,
  resolveUsers: (spec: ServiceSpec) => ResolvedUsers,
): (services: Services, place: Placement) => RenderedConfig {
  return (services, place) => {
    const list: RenderService[] = sortedServices(services).map((spec) => {
      try {
        const u = resolveUsers(spec);
        return { spec, users: u.users, usersPassEncrypted: u.usersPassEncrypted };
      } catch (e) {
        if (!(e instanceof UsersError)) throw e;
        // Fail closed: a protected service whose secret vanished stays protected, by nobody.
        logger.warn('users of an accepted service cannot be resolved: access is locked', {
          event: 'auth.locked',
          serviceName: spec.serviceName,
          error: e.message,
        });
        return { spec, users: [{ user: 'locked', password: LOCKED_PASSWORD }], usersPassEncrypted: false };
      }
    });
    return renderConfig({
      services: list,
      settings: { ...toSettings(cfg, place.certs), configDir: place.configDir },
    });
  };
}
