import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { labelsToParams, labelsToQuery, parseServiceSpec } from '../src/index.js';

const HASH =
  '$6$F2eJJA.G$BfoxX38MoNS10tywEzQZVDZOAjJn9wyTZJecYg.CymjwE8Rgm7xJn0KG3faT36GZbOtrsu4ba.vhsnHrPCNAa0';

// Every label set of the walkthrough (shared/seed), exactly as a user writes them.
const SEED: Record<string, Record<string, string>> = {
  basic: { 'com.df.notify': 'true', 'com.df.servicePath': '/demo', 'com.df.port': '8080' },
  multiPath: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo/hello,/demo/person',
    'com.df.port': '8080',
  },
  domains: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo',
    'com.df.port': '8080',
    'com.df.serviceDomain': 'my-domain.com,my-other-domain.com',
  },
  wildcard: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo',
    'com.df.port': '8080',
    'com.df.serviceDomain': '*domain.com',
  },
  rewrite: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/something',
    'com.df.port': '8080',
    'com.df.reqPathSearchReplace': '/something/,/demo/',
  },
  regexRewrite: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/something',
    'com.df.port': '8080',
    'com.df.reqPathSearchReplace': '/something/.*,/demo/hello',
  },
  users: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo',
    'com.df.port': '8080',
    'com.df.users': 'admin:password',
  },
  encrypted: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo',
    'com.df.port': '8080',
    'com.df.usersPassEncrypted': 'true',
    'com.df.users': `admin:${HASH}`,
  },
  usersSecret: {
    'com.df.notify': 'true',
    'com.df.servicePath': '/demo',
    'com.df.port': '8080',
    'com.df.usersSecret': 'monitoring',
  },
  tcp: { 'com.df.notify': 'true', 'com.df.port': '6379', 'com.df.srcPort': '6379', 'com.df.reqMode': 'tcp' },
};

describe('labels -> query -> spec round trip', () => {
  it.each(Object.entries(SEED))('%s survives byte for byte', (_name, labels) => {
    const params = labelsToParams(labels, { serviceName: 'go-demo', replicas: 3 });
    expect(params.serviceName).toBe('go-demo');
    expect(params.distribute).toBe('true');
    expect(params.replicas).toBe('3');
    expect(params.notify).toBeUndefined();
    const query = labelsToQuery(labels, { serviceName: 'go-demo', replicas: 3 }).toString();
    const back = Object.fromEntries(new URLSearchParams(query));
    expect(back).toEqual(params);
    for (const [k, v] of Object.entries(labels)) {
      if (k !== 'com.df.notify') expect(back[k.slice('com.df.'.length)]).toBe(v);
    }
    const fromQuery = parseServiceSpec(query);
    const fromJson = parseServiceSpec(params);
    const fromForm = parseServiceSpec(new URLSearchParams(query));
    expect(fromQuery).toMatchObject({ ok: true });
    expect(fromJson).toEqual(fromQuery);
    expect(fromForm).toEqual(fromQuery);
  });

  it('keeps the SHA-512 hash intact in the spec', () => {
    const r = parseServiceSpec(labelsToQuery(SEED.encrypted ?? {}, { serviceName: 'go-demo' }).toString());
    expect(r).toMatchObject({
      ok: true,
      spec: { users: [{ user: 'admin', password: HASH }], usersPassEncrypted: true },
    });
  });

  it('global services have no replicas; a distribute label wins', () => {
    const p = labelsToParams(
      { 'com.df.notify': 'true', 'com.df.distribute': 'false', 'com.df.serviceName': 'evil' },
      { serviceName: 'x' },
    );
    expect(p).toEqual({ serviceName: 'x', distribute: 'false' });
  });

  it('shortName trims the stack prefix', () => {
    const p = labelsToParams(
      { 'com.df.shortName': 'true' },
      { serviceName: 'stack_web', stackNamespace: 'stack' },
    );
    expect(p.serviceName).toBe('web');
  });
});

describe('properties', () => {
  const keys = fc.constantFrom(
    'servicePath',
    'serviceDomain',
    'users',
    'addReqHeader',
    'reqPathSearchReplace',
    'port',
    'aclName',
    'userAgent',
    'serviceHeader',
    'servicePath.1',
    'bogus',
  );
  it('parse is total and a spec never contains a line break or NUL', () => {
    fc.assert(
      fc.property(fc.dictionary(keys, fc.string({ unit: 'binary' })), (extra) => {
        const r = parseServiceSpec({ serviceName: 'svc', port: '80', servicePath: '/x', ...extra });
        if (r.ok) expect(JSON.stringify(r.spec)).not.toMatch(/\\n|\\r|\\u0000/);
      }),
      { numRuns: 2000 },
    );
  });
  it('parse never throws on arbitrary objects', () => {
    fc.assert(
      fc.property(fc.object(), (o) => {
        expect(() => parseServiceSpec(o)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
