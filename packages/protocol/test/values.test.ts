import { describe, expect, it } from '@jest/globals';
import { HEADER_FETCHES, parseServiceSpec } from '../src/index.js';

const BASE = { serviceName: 'svc', servicePath: '/svc', port: '8080' };
const parse = (extra: Record<string, string>) => parseServiceSpec({ ...BASE, ...extra });

describe('header values as upstream wrote them (issue 10)', () => {
  it('double quotes enclosing the value are removed (upstream`s HAProxy line removed them)', () => {
    const r = parse({
      setResHeader: 'Strict-Transport-Security "max-age=16000000; includeSubDomains; preload;"',
    });
    expect(r).toMatchObject({
      ok: true,
      spec: {
        setResHeader: [
          { name: 'Strict-Transport-Security', value: 'max-age=16000000; includeSubDomains; preload;' },
        ],
      },
    });
  });
  it('single quotes enclosing the value are removed too', () => {
    expect(parse({ addReqHeader: "X-A 'a b'" })).toMatchObject({
      ok: true,
      spec: { addReqHeader: [{ name: 'X-A', value: 'a b' }] },
    });
  });
  it('`Name: value` and `Name value` give the same header; inner spaces are kept', () => {
    const a = parse({ addResHeader: 'X-Greeting: hello world' });
    const b = parse({ addResHeader: 'X-Greeting hello world' });
    expect(a).toMatchObject({
      ok: true,
      spec: { addResHeader: [{ name: 'X-Greeting', value: 'hello world' }] },
    });
    expect(a).toEqual(b);
  });
  it.each([['X-A a"b'], ["X-A it's"], ['X-A "open'], ['X-A a\\b'], ['X-A `id`']])(
    'a quote that does not enclose the value, a backslash or a backtick is refused: %s',
    (v) => {
      expect(parse({ setReqHeader: v })).toMatchObject({ ok: false, errors: [{ param: 'setReqHeader' }] });
    },
  );
});

describe('sample fetches in header values (issue 11)', () => {
  it.each([
    ['addReqHeader', 'X-Env %[env(STATS_PASS)]'],
    ['setResHeader', 'X-Users %[env(USERS)]'],
    ['setReqHeader', 'X-V %[var(txn.x)]'],
    ['setReqHeader', 'X-L %[lua.secret]'],
    ['addResHeader', 'X-T %[src,table_cnt(x)]'],
    ['addReqHeader', 'X-M %[src,map(/etc/passwd)]'],
    ['addReqHeader', 'X-H %[req.hdr(host),env(HOME)]'],
    ['addResHeader', 'X-P %[path]'],
    ['addReqHeader', 'X-S %[status]'],
    ['addReqHeader', 'X-U %[str(a)]'],
  ])('%s=%s is refused naming the parameter and the allowed fetches', (param, value) => {
    const r = parse({ [param]: value });
    expect(r).toMatchObject({ ok: false, status: 400, errors: [{ param, code: 'PARAM_INVALID' }] });
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/src|lower|closing/);
  });
  it.each([
    ['addReqHeader', 'X-Client %[src]'],
    ['addReqHeader', 'X-Host %[req.hdr(host)]'],
    ['setReqHeader', 'X-Path %[path] %[method] %[ssl_fc]'],
    ['setResHeader', 'X-Status %[status]'],
    ['addResHeader', 'X-Server %[res.hdr(server)]'],
  ])('%s=%s is accepted', (param, value) => {
    expect(parse({ [param]: value }).ok).toBe(true);
  });
  it('converters need another list separator, as upstream (a comma splits the list)', () => {
    expect(
      parseServiceSpec({ ...BASE, setReqHeader: 'X-Host %[hdr(Host),lower]' }, { separator: '@' }),
    ).toMatchObject({ ok: true, spec: { setReqHeader: [{ value: '%[hdr(Host),lower]' }] } });
    expect(parseServiceSpec({ ...BASE, setReqHeader: 'X-H %[src,map(/x)]' }, { separator: '@' }).ok).toBe(
      false,
    );
  });
  it('request and response lists differ only where HAProxy can read the fetch', () => {
    expect(HEADER_FETCHES.request).toContain('req.hdr(<name>)');
    expect(HEADER_FETCHES.response).not.toContain('req.hdr(<name>)');
    expect(HEADER_FETCHES.response).toContain('status');
  });
  it('a stray % is refused; %% is a literal percent', () => {
    expect(parse({ addResHeader: 'X-A 50%' })).toMatchObject({
      ok: false,
      errors: [{ param: 'addResHeader', message: expect.stringMatching(/%%/) }],
    });
    expect(parse({ addResHeader: 'X-A %ci' }).ok).toBe(false);
    expect(parse({ addResHeader: 'X-A %[src' }).ok).toBe(false);
    expect(parse({ addResHeader: 'X-A 50%%' })).toMatchObject({
      ok: true,
      spec: { addResHeader: [{ name: 'X-A', value: '50%%' }] },
    });
  });
});

describe('path rewrites with an empty replacement (issue 10)', () => {
  it('reqPathSearch with an empty reqPathReplace strips the match', () => {
    expect(parse({ reqPathSearch: '/something', reqPathReplace: '' })).toMatchObject({
      ok: true,
      spec: { destinations: [{ reqPathSearchReplace: [{ search: '/something', replace: '' }] }] },
    });
  });
  it('reqPathSearch without reqPathReplace strips the match', () => {
    expect(parse({ reqPathSearch: '/something' })).toMatchObject({
      ok: true,
      spec: { destinations: [{ reqPathSearchReplace: [{ search: '/something', replace: '' }] }] },
    });
  });
  it('reqPathSearchReplace=/something, has an empty replacement', () => {
    expect(parse({ reqPathSearchReplace: '/something,:/a/,/b/' })).toMatchObject({
      ok: true,
      spec: {
        destinations: [
          {
            reqPathSearchReplace: [
              { search: '/something', replace: '' },
              { search: '/a/', replace: '/b/' },
            ],
          },
        ],
      },
    });
  });
  it('a replacement with a space or quote is still refused', () => {
    expect(parse({ reqPathSearch: '/a', reqPathReplace: '/b c' }).ok).toBe(false);
    expect(parse({ reqPathSearchReplace: "/a,/b'" }).ok).toBe(false);
  });
});
