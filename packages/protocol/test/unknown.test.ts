import { describe, expect, it } from '@jest/globals';
import {
  labelsToParams,
  parseServiceSpec,
  parseUserList,
  type ItemOf,
  type ParamName,
} from '../src/index.js';

const BASE = { serviceName: 'svc', servicePath: '/svc', port: '8080' };

describe('unknown parameter names (issue 10)', () => {
  it('are accepted with a typed warning by default', () => {
    const r = parseServiceSpec({ ...BASE, myCompanionSetting: 'x', 'other.2': 'y' });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([
      { param: 'myCompanionSetting', code: 'PARAM_UNKNOWN', message: expect.stringMatching(/ignored/) },
      { param: 'other.2', code: 'PARAM_UNKNOWN', message: expect.stringMatching(/ignored/) },
    ]);
  });
  it.each([
    ['usrs', 'users'],
    ['httpsOnyl', 'httpsOnly'],
    ['servicepath', 'servicePath'],
    ['denyHtp', 'denyHttp'],
  ])('a likely misspelling (%s) is refused with its did-you-mean (%s)', (typo, meant) => {
    const r = parseServiceSpec({ ...BASE, [typo]: 'true' });
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: typo, code: 'PARAM_UNKNOWN', didYouMean: meant }],
    });
  });
  it('strict mode refuses every unknown name', () => {
    expect(parseServiceSpec({ ...BASE, myCompanionSetting: 'x' }, { unknownParams: 'strict' })).toMatchObject(
      {
        ok: false,
        errors: [{ param: 'myCompanionSetting', code: 'PARAM_UNKNOWN' }],
      },
    );
  });
  it('deprecated aliases are typed warnings', () => {
    const r = parseServiceSpec({ ...BASE, addHeader: 'X-A 1' });
    expect(r.warnings).toEqual([
      { param: 'addHeader', code: 'PARAM_DEPRECATED', message: expect.any(String) },
    ]);
  });
});

describe('prototype names are plain unknown names (issue 11)', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'])(
    '%s',
    (name) => {
      const json = JSON.parse(
        `{"serviceName":"svc","servicePath":"/svc","port":"8080","${name}":"x"}`,
      ) as Record<string, unknown>;
      for (const input of [json, `serviceName=svc&servicePath=/svc&port=8080&${name}=x&${name}=y`]) {
        const r = parseServiceSpec(input);
        if (r.ok) expect(r.warnings.map((w) => w.param)).toEqual([name]);
        else expect(r.errors.map((e) => e.param)).toContain(name);
      }
    },
  );
});

describe('one user:password rule (issue 14)', () => {
  it('env USERS, secrets and the users parameter share it', () => {
    expect(parseUserList('a:1\nb:2,c:3\n')).toEqual({
      ok: true,
      value: [
        { user: 'a', password: '1' },
        { user: 'b', password: '2' },
        { user: 'c', password: '3' },
      ],
    });
    expect(parseUserList('a')).toMatchObject({ ok: false, error: expect.stringMatching(/user:password/) });
    expect(parseUserList('a', false)).toEqual({ ok: true, value: [{ user: 'a' }] });
    expect(parseUserList('a b:1')).toMatchObject({ ok: false });
    expect(parseUserList('a:p w')).toMatchObject({ ok: false });
    // The users parameter: same rule, password optional.
    const r = parseServiceSpec({ ...BASE, users: 'a:p w' });
    expect(r).toMatchObject({ ok: false, errors: [{ param: 'users' }] });
    expect(parseServiceSpec({ ...BASE, users: 'a,b:2' })).toMatchObject({
      ok: true,
      spec: { users: [{ user: 'a' }, { user: 'b', password: '2' }] },
    });
  });
});

describe('names and value types come from the table (issue 14)', () => {
  it('a misspelt parameter name is a compile error; item types follow the grammar', () => {
    const known: ParamName = 'servicePath';
    // @ts-expect-error a misspelt name is not a ParamName
    const typo: ParamName = 'servicePth';
    const port: ItemOf<'port'> = 80;
    // @ts-expect-error a port is parsed to a number, not a string
    const portText: ItemOf<'port'> = '80';
    const header: ItemOf<'setResHeader'> = { name: 'X-A', value: '1' };
    expect([known, typo, port, portText, header.name]).toHaveLength(5);
  });
});

describe('hints and labels', () => {
  it('an unknown name far from any parameter still gets a hint in its warning', () => {
    const r = parseServiceSpec({ ...BASE, usersFile: 'x' });
    expect(r.ok).toBe(true);
    expect(r.warnings).toContainEqual(expect.objectContaining({ param: 'usersFile', didYouMean: 'users' }));
  });
  it('com.df.__proto__ and friends are kept as parameters by the label mapping', () => {
    const labels = JSON.parse(
      '{"com.df.notify":"true","com.df.servicePath":"/a","com.df.port":"80","com.df.__proto__":"x","com.df.constructor":"y"}',
    ) as Record<string, string>;
    const params = labelsToParams(labels, { serviceName: 'svc' });
    expect(Object.keys(params)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'servicePath']));
    const r = parseServiceSpec(params);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.param).sort()).toEqual(['__proto__', 'constructor']);
  });
});
