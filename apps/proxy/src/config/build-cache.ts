import type { ServiceSpec } from '@flowproxy/protocol';
import type { ProxySettings, RenderService } from './settings.js';

/**
 * Memo of each service's built sections, so a render of N services after one change builds one
 * service, not N (at 10,000 services a full build cost about 1 s of CPU per change).
 *
 * A service's sections depend only on its spec (immutable once accepted: keyed by identity), its
 * resolved users, and the operator's settings except `certs` and `configDir` (only the assembly of
 * the whole config reads those; a scratch render for `haproxy -c` then reuses the live entries).
 * The users and settings are compared by value, so a rotated secret or changed setting rebuilds.
 * Entries go with their spec (WeakMap) and with the settings they were built for.
 */
export class ServiceBuildCache<R> {
  private settingsKey = '';
  private entries = new WeakMap<ServiceSpec, { readonly users: string; readonly result: R }>();

  /** Starts a render: forgets every entry when the settings that shape sections changed. */
  begin(settings: ProxySettings): void {
    const key = settingsKey(settings);
    if (key !== this.settingsKey) {
      this.settingsKey = key;
      this.entries = new WeakMap();
    }
  }

  get(rs: RenderService, build: () => R): R {
    const users = usersKey(rs);
    const hit = this.entries.get(rs.spec);
    if (hit && hit.users === users) return hit.result;
    const result = build();
    this.entries.set(rs.spec, { users, result });
    return result;
  }
}

const settingsKey = (s: ProxySettings): string =>
  JSON.stringify({ ...s, certs: undefined, configDir: undefined });

const usersKey = (rs: RenderService): string =>
  rs.users.length === 0 && !rs.usersPassEncrypted ? '' : JSON.stringify([rs.usersPassEncrypted, rs.users]);
