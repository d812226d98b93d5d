import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseServiceSpec, parseUserList, type ServiceSpec } from '@flowproxy/protocol';
import { maskSpec } from '../../../src/api/mask.js';
import { blameParam } from '../../../src/reload/blame.js';
import { notConfigured } from '../../../src/reload/pipeline.js';
import { canonicalJson } from '../../../src/state/hash.js';
import {
  applyChange,
  applyChanges,
  sameSpec,
  stateHash,
  type Change,
} from '../../../src/state/routing-state.js';
import { looksHashed, resolveUsers, UsersError } from '../../../src/state/users.js';
import { listenerBase } from '../../../src/sync/listener.js';
import { servicesFromEnv } from '../../../src/state/env-services.js';

function spec(query: string): ServiceSpec {
  const r = parseServiceSpec(query, { allowRawConfig: true });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}

describe('routing state', () => {
  it('upserts, replaces and removes by service name without touching the input', () => {
    const empty = new Map<string, ServiceSpec>();
    const one = applyChange(empty, { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a&port=1') });
    expect(empty.size).toBe(0);
    const two = applyChanges(one, [
      { kind: 'upsert', spec: spec('serviceName=b&servicePath=/b&port=1') },
      { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a2&port=1') },
    ]);
    expect([...two.keys()]).toEqual(['a', 'b']);
    expect(two.get('a')?.destinations[0]?.servicePath).toEqual(['/a2']);
    expect(applyChange(two, { kind: 'remove', serviceName: 'a' }).has('a')).toBe(false);
    expect(applyChange(two, { kind: 'remove', serviceName: 'zzz' })).toBe(two);
  });

  it('stores no trace of distribute, so forwarded copies hash alike', () => {
    const a = applyChange(new Map(), {
      kind: 'upsert',
      spec: spec('serviceName=a&servicePath=/a&port=1&distribute=true'),
    });
    const b = applyChange(new Map(), {
      kind: 'upsert',
      spec: spec('serviceName=a&servicePath=/a&port=1&distribute=false'),
    });
    expect(stateHash(a)).toBe(stateHash(b));
    expect(sameSpec(a.get('a'), spec('serviceName=a&servicePath=/a&port=1&distribute=true'))).toBe(true);
  });

  it('hashes the same services to the same value whatever the order of changes', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['a', 'b', 'c', 'd', 'e'], { minLength: 1 }), (names) => {
        const changes: Change[] = names.map((n) => ({
          kind: 'upsert',
          spec: spec(`serviceName=${n}&servicePath=/${n}&port=1`),
        }));
        const forward = applyChanges(new Map(), changes);
        const backward = applyChanges(new Map(), [...changes].reverse());
        expect(stateHash(forward)).toBe(stateHash(backward));
      }),
      { numRuns: 30 },
    );
    expect(stateHash(new Map())).not.toBe(
      stateHash(
        applyChanges(new Map(), [{ kind: 'upsert', spec: spec('serviceName=a&servicePath=/a&port=1') }]),
      ),
    );
  });

  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});

describe('users', () => {
  const opts = { secretsDir: '/nonexistent', globalUsers: [{ user: 'g', password: 'gp' }] };
  it('gives no users to a service without users (the global ones apply)', () => {
    expect(resolveUsers(spec('serviceName=a&servicePath=/a&port=1'), opts).users).toEqual([]);
  });
  it('fills a missing password from USERS and refuses a user nobody knows', () => {
    expect(resolveUsers(spec('serviceName=a&servicePath=/a&port=1&users=g,x:1'), opts).users).toEqual([
      { user: 'g', password: 'gp' },
      { user: 'x', password: '1' },
    ]);
    expect(() => resolveUsers(spec('serviceName=a&servicePath=/a&port=1&users=nobody'), opts)).toThrow(
      UsersError,
    );
  });
  it('names usersSecret when the secret is not mounted', () => {
    try {
      resolveUsers(spec('serviceName=a&servicePath=/a&port=1&usersSecret=mon'), opts);
      throw new Error('no error');
    } catch (e) {
      expect((e as UsersError).param).toBe('usersSecret');
      expect((e as Error).message).toMatch(/dfp_users_mon/);
    }
  });
  it('reads secret lines and commas; spots crypt hashes', () => {
    expect(parseUserList('a:1\nb:2,c:3\n')).toMatchObject({ ok: true, value: [{}, {}, {}] });
    expect(looksHashed({ users: [{ user: 'a', password: '$6$salt$hash' }], usersPassEncrypted: true })).toBe(
      true,
    );
    expect(looksHashed({ users: [{ user: 'a', password: '$6$salt$hash' }], usersPassEncrypted: false })).toBe(
      false,
    );
  });
});

describe('rejections', () => {
  it('blames backendExtra for a line it wrote, else the parameter whose value is on the line', () => {
    const s = spec('serviceName=a&servicePath=/weird&port=1&backendExtra=no-such-keyword%201');
    expect(blameParam(s, '  no-such-keyword 1')).toBe('backendExtra');
    expect(
      blameParam(spec('serviceName=a&servicePath=/weird&port=1'), '  acl url_a1_0 path_beg /weird'),
    ).toBe('servicePath');
    expect(blameParam(spec('serviceName=a&servicePath=/weird&port=1'), undefined)).toBe('serviceName');
  });
  it('reads the renderer`s "not configured" warnings by service', () => {
    expect(
      notConfigured(['service a is not configured: x clash (set a distinct aclName)', 'other warning']),
    ).toEqual(new Map([['a', 'x clash (set a distinct aclName)']]));
  });
  it('masks passwords and certificates in the JSON state', () => {
    const m = maskSpec({
      ...spec('serviceName=a&servicePath=/a&port=1&users=u:secret,v'),
      serviceCert: 'PEM',
    });
    expect(m.users).toEqual([{ user: 'u', password: '***' }, { user: 'v' }]);
    expect(m.serviceCert).toBe('***');
  });
});

describe('listener address', () => {
  it('turns a host into the upstream URL and keeps full URLs', () => {
    expect(listenerBase('swarm-listener')).toBe('http://swarm-listener:8080');
    expect(listenerBase('127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
    expect(listenerBase('http://l:1/v1/docker-flow-swarm-listener/get-services')).toBe('http://l:1');
  });
});

describe('env-defined services (DFP_SERVICE_*)', () => {
  it('reads the unnumbered and numbered services, indexed fields, up to the first gap', () => {
    expect(
      servicesFromEnv({
        DFP_SERVICE_SERVICE_NAME: 'one',
        DFP_SERVICE_SERVICE_PATH: '/one',
        DFP_SERVICE_PORT: '80',
        DFP_SERVICE_1_SERVICE_NAME: 'two',
        DFP_SERVICE_1_SERVICE_PATH_1: '/a',
        DFP_SERVICE_1_PORT_1: '81',
        DFP_SERVICE_1_REQ_PATH_SEARCH_REPLACE: '/x,/y',
        DFP_SERVICE_3_SERVICE_NAME: 'after-a-gap',
        OTHER: 'x',
      }),
    ).toEqual([
      { serviceName: 'one', servicePath: '/one', port: '80' },
      { serviceName: 'two', 'servicePath.1': '/a', 'port.1': '81', reqPathSearchReplace: '/x,/y' },
    ]);
  });
  it('passes unknown fields on, so validation names them', () => {
    const [svc] = servicesFromEnv({ DFP_SERVICE_SERVICE_NAME: 'x', DFP_SERVICE_SERVIC_PATH: '/x' });
    expect(parseServiceSpec(svc ?? {}).ok).toBe(false);
    expect(svc).toHaveProperty('servicPath', '/x');
  });
});
