import { describe, it, expect } from '@jest/globals';
import { parseServiceSpec } from '@flowproxy/protocol';
import {
  createParams,
  maskedQuery,
  removedLogLine,
  removeParams,
  withQuery,
} from '../../src/core/notification.js';
import { toSnapshot } from '../../src/core/snapshot.js';
import { svc } from './fakes.js';

const opts = { notifyLabel: 'com.df.notify', serviceNamePrefix: '' };
const HASH =
  'admin:$6$F2eJJA.G$BfoxX38MoNS10tywEzQZVDZOAjJn9wyTZJecYg.CymjwE8Rgm7xJn0KG3faT36GZbOtrsu4ba.vhsnHrPCNAa0';

describe('notification parameters', () => {
  it('create: labels byte for byte, serviceName, replicas, distribute; notify label dropped', () => {
    const s = toSnapshot(
      svc(
        'id1',
        'go-demo',
        { 'com.df.notify': 'true', 'com.df.servicePath': '/demo', 'com.df.port': '8080' },
        { replicas: 5 },
      ),
      'com.df.notify',
    );
    expect(createParams(s, opts)).toEqual({
      distribute: 'true',
      port: '8080',
      replicas: '5',
      serviceName: 'go-demo',
      servicePath: '/demo',
    });
  });

  it.each([
    ['multi-path', { 'com.df.servicePath': '/demo/hello,/demo/person', 'com.df.port': '8080' }],
    [
      '* domain',
      { 'com.df.serviceDomain': '*.acme.com', 'com.df.servicePath': '/demo', 'com.df.port': '8080' },
    ],
    [
      'regex rewrite',
      {
        'com.df.servicePath': '/something',
        'com.df.port': '8080',
        'com.df.reqPathSearchReplace': '/something/.*,/demo/hello',
      },
    ],
    [
      'SHA-512 users',
      {
        'com.df.servicePath': '/demo',
        'com.df.port': '8080',
        'com.df.usersPassEncrypted': 'true',
        'com.df.users': HASH,
      },
    ],
    [
      'usersSecret',
      { 'com.df.servicePath': '/demo', 'com.df.port': '8080', 'com.df.usersSecret': 'monitoring' },
    ],
    ['tcp srcPort', { 'com.df.port': '6379', 'com.df.srcPort': '6379', 'com.df.reqMode': 'tcp' }],
  ])('seed example %s survives the query round trip and the proxy accepts it', (_n, labels) => {
    const s = toSnapshot(svc('i', 'go-demo', { 'com.df.notify': 'true', ...labels }), 'com.df.notify');
    const params = createParams(s, opts);
    const url = new URL(withQuery('http://proxy:8080/v1/docker-flow-proxy/reconfigure', params));
    for (const [k, v] of Object.entries(labels))
      expect(url.searchParams.get(k.slice('com.df.'.length))).toBe(v);
    const parsed = parseServiceSpec(url.searchParams, { separator: ',' });
    expect(parsed.ok).toBe(true);
  });

  it('global service: no replicas; remove: no replicas either', () => {
    const g = toSnapshot(
      svc('i', 'g', { 'com.df.notify': 'true', 'com.df.port': '80' }, { global: true }),
      'com.df.notify',
    );
    expect(createParams(g, opts).replicas).toBeUndefined();
    const r = toSnapshot(
      svc('i', 'r', { 'com.df.notify': 'true', 'com.df.port': '80' }, { replicas: 2 }),
      'com.df.notify',
    );
    expect(removeParams(r, opts)).toEqual({ distribute: 'true', port: '80', serviceName: 'r' });
  });

  it('prefix and shortName', () => {
    const s = toSnapshot(
      svc('i', 'stack_web', {
        'com.df.notify': 'true',
        'com.df.shortName': 'true',
        'com.docker.stack.namespace': 'stack',
      }),
      'com.df.notify',
    );
    expect(createParams(s, opts).serviceName).toBe('web');
    const p = toSnapshot(svc('i', 'web', { 'com.df.notify': 'true' }), 'com.df.notify');
    expect(createParams(p, { ...opts, serviceNamePrefix: 'dev' }).serviceName).toBe('dev_web');
  });

  it('parameters are appended to a query already in the URL', () => {
    expect(withQuery('http://p:8080/r?token=a', { serviceName: 'x', servicePath: '/a b' })).toBe(
      'http://p:8080/r?token=a&serviceName=x&servicePath=%2Fa+b',
    );
  });

  it('the removed log line is the upstream phrase', () => {
    expect(removedLogLine('http://proxy:8080/v1/docker-flow-proxy/remove', 'go-demo')).toBe(
      'Sending service removed notification to http://proxy:8080/v1/docker-flow-proxy/remove?serviceName=go-demo',
    );
  });

  it('log queries mask passwords', () => {
    const q = maskedQuery({ serviceName: 'x', users: 'admin:secret,ops:pw', 'users.1': 'a:b' });
    expect(q).not.toContain('secret');
    expect(q).not.toContain('pw');
    expect(q).toContain('serviceName=x');
  });
});
