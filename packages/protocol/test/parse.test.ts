import { describe, expect, it } from '@jest/globals';
import { parseServiceSpec, parseRemoveRequest } from '../src/index.js';

describe('parseServiceSpec status mapping (as upstream)', () => {
  it('missing serviceName -> 400', () => {
    expect(parseServiceSpec('servicePath=/demo&port=8080')).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: 'serviceName', code: 'SERVICE_NAME_REQUIRED' }],
    });
  });
  it('http without path or domain -> 409', () => {
    expect(parseServiceSpec('serviceName=a&port=8080')).toMatchObject({ ok: false, status: 409 });
  });
  it('tcp without srcPort -> 400', () => {
    expect(parseServiceSpec('serviceName=redis&reqMode=tcp&port=6379')).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ code: 'SRC_PORT_REQUIRED' }],
    });
  });
  it('missing port -> 400', () => {
    expect(parseServiceSpec('serviceName=a&servicePath=/a')).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ code: 'PORT_REQUIRED' }],
    });
  });
  it('replicas=0 is a removal and needs no routing fields', () => {
    expect(parseServiceSpec('serviceName=a&replicas=0')).toMatchObject({ ok: true, spec: { replicas: 0 } });
  });
  it('unknown parameter gets a did-you-mean', () => {
    const r = parseServiceSpec('serviceName=a&servicepath=/a&port=1');
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: 'servicepath', code: 'PARAM_UNKNOWN', didYouMean: 'servicePath' }],
    });
  });
  it('labels of other Docker Flow tools (Monitor, Let`s Encrypt companion) are ignored silently', () => {
    const r = parseServiceSpec(
      'serviceName=a&servicePath=/a&port=1&scrapePort=9090&alertName=mem&letsencrypt.host=a.com',
    );
    expect(r.ok).toBe(true);
    expect(r.warnings).toHaveLength(0);
  });
  it('newline in a value is refused (config injection)', () => {
    const r = parseServiceSpec({ serviceName: 'a', servicePath: '/a\n  bind :9999', port: '80' });
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: 'servicePath', code: 'PARAM_INVALID' }],
    });
  });
  it('passwords are masked in errors', () => {
    const r = parseServiceSpec({
      serviceName: 'a',
      servicePath: '/a',
      port: '80',
      users: 'admin:top secret',
    });
    expect(JSON.stringify(r)).not.toContain('top secret');
  });
  it('invalid regex rewrite is refused', () => {
    const r = parseServiceSpec(
      'serviceName=a&servicePath=/a&port=80&reqPathSearchReplace=' + encodeURIComponent('/x(,/y'),
    );
    expect(r).toMatchObject({ ok: false, errors: [{ param: 'reqPathSearchReplace' }] });
  });
});

describe('destinations', () => {
  it('indexed values fall back to un-indexed ones', () => {
    const r = parseServiceSpec(
      'serviceName=a&port=8080&servicePath.1=/one&servicePath.2=/two&port.2=9090&userAgent.1=iphone',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.destinations).toMatchObject([
      { index: 1, servicePath: ['/one'], port: 8080, userAgent: ['iphone'] },
      { index: 2, servicePath: ['/two'], port: 9090, userAgent: [] },
    ]);
  });
  it('a gap in indexes is refused', () => {
    const r = parseServiceSpec('serviceName=a&port=1&servicePath.1=/a&servicePath.3=/c');
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'INDEX_INVALID' }] });
  });
  it('an index out of range is refused', () => {
    expect(parseServiceSpec('serviceName=a&port=1&servicePath.11=/a')).toMatchObject({
      ok: false,
      errors: [{ code: 'INDEX_INVALID' }],
    });
  });
  it('deprecated aliases map to their replacements with a warning', () => {
    const r = parseServiceSpec(
      'serviceName=a&port=1&servicePath=/a&addHeader=X-A%201&reqPathSearch=/a/&reqPathReplace=/b/&serviceDomainMatchAll=true&serviceDomain=x.com',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.addReqHeader).toEqual([{ name: 'X-A', value: '1' }]);
    expect(r.spec.destinations[0]?.reqPathSearchReplace).toEqual([{ search: '/a/', replace: '/b/' }]);
    expect(r.spec.serviceDomainAlgo).toBe('hdr_dom(host)');
    expect(r.warnings.length).toBeGreaterThanOrEqual(3);
  });
  it('SEPARATOR changes the list separator', () => {
    const r = parseServiceSpec('serviceName=a&port=1&servicePath=/a@/b', { separator: '@' });
    expect(r).toMatchObject({ ok: true, spec: { destinations: [{ servicePath: ['/a', '/b'] }] } });
  });
});

describe('parseRemoveRequest', () => {
  it('needs serviceName', () => {
    expect(parseRemoveRequest('aclName=x')).toMatchObject({ ok: false, status: 400 });
    expect(parseRemoveRequest('serviceName=go-demo&port=8080&distribute=true')).toEqual({
      ok: true,
      serviceName: 'go-demo',
      distribute: true,
    });
  });
});

describe('client certificates and tcp groups (issue 10)', () => {
  it('verifyClientSsl=true is kept per destination; false and absent leave it out', () => {
    const r = parseServiceSpec(
      'serviceName=a&servicePath.1=/x&port.1=1&verifyClientSsl.1=true&servicePath.2=/y&port.2=2&verifyClientSsl.2=false',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.destinations.map((d) => d.verifyClientSsl)).toEqual([true, undefined]);
  });
  it('serviceGroup and balanceGroup reach the tcp destination; an unknown algorithm is a 400', () => {
    const r = parseServiceSpec(
      'serviceName=r&reqMode=tcp&srcPort=6379&port=6379&serviceGroup=redis&balanceGroup=leastconn',
    );
    expect(r).toMatchObject({
      ok: true,
      spec: { destinations: [{ serviceGroup: 'redis', balanceGroup: 'leastconn' }] },
    });
    expect(
      parseServiceSpec('serviceName=r&reqMode=tcp&srcPort=1&port=1&serviceGroup=redis&balanceGroup=random'),
    ).toMatchObject({ ok: false, status: 400, errors: [{ param: 'balanceGroup', code: 'PARAM_INVALID' }] });
  });
});
