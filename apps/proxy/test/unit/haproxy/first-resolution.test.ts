import { describe, expect, it } from '@jest/globals';
import {
  darkConfig,
  firstRoundDone,
  namesResolved,
  resolverCounters,
  usesDnsNames,
} from '../../../src/haproxy/first-resolution.js';

// Captured from HAProxy 2.6.12 on this machine (one server-template of 2 slots, one address).
const SERVERS_STATE = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 b 1 s1 127.0.0.9 2 0 1 1 0 1 0 0 0 0 0 0 tasks.x 8080 - 0 0 - - 0
3 b 2 s2 - 0 32 1 1 0 1 0 0 0 0 0 0 tasks.x 8080 - 0 0 - - 0
4 c 1 c1 - 0 32 1 1 0 1 0 0 0 0 0 0 tasks.y 8080 - 0 0 - - 0
5 d 1 d1 127.0.0.5 2 0 1 1 0 1 0 0 0 0 0 0 - 8080 - 0 0 - - 0
`;

const counters = (section: string, sent: number, valid: number, nx: number, timeout = 0): string =>
  `Resolvers section ${section}
 nameserver dns:
  sent:        ${sent}
  snd_error:   0
  valid:       ${valid}
  update:      ${valid}
  cname:       0
  cname_error: 0
  any_err:     0
  nx:          ${nx}
  timeout:     ${timeout}
  refused:     0
  other:       0
  invalid:     0
  too_big:     0
  truncated:   0
  outdated:    0
`;

describe('first DNS round', () => {
  it('reads which server names have an address (any slot), ignoring servers without a name', () => {
    expect([...namesResolved(SERVERS_STATE)]).toEqual([
      ['tasks.x', true],
      ['tasks.y', false],
    ]);
    expect(namesResolved('1\n# be_id be_name srv_addr srv_fqdn\n').size).toBe(0);
  });

  it('sums sent and ended queries of one resolvers section only (update is not an answer)', () => {
    const text = counters('docker', 4, 2, 1) + counters('default', 9, 9, 0);
    expect(resolverCounters(text, 'docker')).toEqual({ sent: 4, answered: 3 });
    expect(resolverCounters(text, 'absent')).toEqual({ sent: 0, answered: 0 });
    expect(resolverCounters(counters('docker', 2, 0, 0, 2), 'docker')).toEqual({ sent: 2, answered: 2 });
  });

  it('is done when every name resolved, or every query sent has ended, and not before the first query', () => {
    expect(firstRoundDone({ names: 0, unresolved: 0, sent: 0, answered: 0 })).toBe(true);
    expect(firstRoundDone({ names: 2, unresolved: 0, sent: 1, answered: 0 })).toBe(true);
    expect(firstRoundDone({ names: 2, unresolved: 1, sent: 0, answered: 0 })).toBe(false);
    expect(firstRoundDone({ names: 2, unresolved: 1, sent: 4, answered: 3 })).toBe(false);
    expect(firstRoundDone({ names: 2, unresolved: 1, sent: 4, answered: 4 })).toBe(true);
  });

  it('the dark configuration drops TCP binds only', () => {
    const cfg = [
      'frontend services',
      '    bind *:80',
      '    bind *:443 ssl crt-list /etc/flowproxy/crt-list.txt',
      '    use_backend %[path,map_beg(/x)]',
      'frontend metrics',
      '    bind unix@/run/flowproxy/metrics.sock mode 600',
      'backend b',
      '    server-template s 4 tasks.s:8080 resolvers docker resolve-prefer ipv4 check',
    ].join('\n');
    expect(darkConfig(cfg).split('\n')).toEqual([
      'frontend services',
      '    use_backend %[path,map_beg(/x)]',
      'frontend metrics',
      '    bind unix@/run/flowproxy/metrics.sock mode 600',
      'backend b',
      '    server-template s 4 tasks.s:8080 resolvers docker resolve-prefer ipv4 check',
    ]);
    expect(usesDnsNames(cfg)).toBe(true);
  });

  it('needs the first answers only for servers found by a DNS name, not for IP addresses', () => {
    const line = (l: string): string => `backend b\n    ${l}\n`;
    expect(usesDnsNames(line('server s1 127.0.0.1:80 check'))).toBe(false);
    expect(usesDnsNames(line('server-template s 4 127.0.0.5:8080 resolvers docker check'))).toBe(false);
    expect(usesDnsNames(line('server s1 [::1]:80 resolvers docker'))).toBe(false);
    expect(usesDnsNames(line('server s1 db.example.com:5432 resolvers docker resolve-prefer ipv4'))).toBe(
      true,
    );
    expect(usesDnsNames(line('server-template s 4 tasks.s:8080 resolvers docker'))).toBe(true);
    // A name without `resolvers` is resolved once at start by libc, not by the resolvers.
    expect(usesDnsNames(line('server s1 tasks.s:8080 check'))).toBe(false);
  });
});
