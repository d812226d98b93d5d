import { describe, expect, it } from '@jest/globals';
import {
  MAX_NAME_LENGTH,
  MAX_PARAMS,
  MAX_REQUEST_CHARS,
  PARAMS,
  parseServiceSpec,
  type ParamDef,
} from '../src/index.js';

const BASE = { serviceName: 'svc', servicePath: '/svc', port: '8080' };

describe('length limits (issue 11)', () => {
  it('every parameter has a limit far below HAProxy`s 16,383-character map line chunk', () => {
    for (const d of PARAMS as readonly ParamDef[]) {
      expect(d.limit.value).toBeGreaterThan(0);
      if (d.name !== 'serviceCert' && d.name !== 'nodeInfo') expect(d.limit.value).toBeLessThanOrEqual(8192);
      expect(d.limit.item ?? d.limit.value).toBeLessThanOrEqual(d.limit.value);
    }
  });

  it('a servicePath item over 1,024 characters is refused naming the parameter and the limit', () => {
    const long = '/' + 'a'.repeat(1024) + '/demo';
    const r = parseServiceSpec({ ...BASE, servicePath: long });
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: 'servicePath', code: 'PARAM_TOO_LONG' }],
    });
    if (!r.ok) expect(r.errors[0]?.message).toMatch(/1024/);
    expect(parseServiceSpec({ ...BASE, servicePath: '/' + 'a'.repeat(1023) }).ok).toBe(true);
  });

  it('a whole value over its limit is refused, indexed names too', () => {
    const many = Array.from({ length: 300 }, (_, i) => `/p${i}/${'x'.repeat(10)}`).join(',');
    expect(parseServiceSpec({ ...BASE, 'servicePath.1': many })).toMatchObject({
      ok: false,
      errors: [{ param: 'servicePath.1', code: 'PARAM_TOO_LONG' }],
    });
  });

  it('header values over 4,096 characters are refused', () => {
    const r = parseServiceSpec({ ...BASE, setResHeader: `X-A ${'v'.repeat(4100)}` });
    expect(r).toMatchObject({ ok: false, errors: [{ param: 'setResHeader', code: 'PARAM_TOO_LONG' }] });
  });

  it('the whole request is bounded in characters and in parameter count', () => {
    const big: Record<string, string> = { ...BASE };
    for (let i = 0; i < 20; i++) big[`x${i}`] = 'y'.repeat(4000);
    expect(parseServiceSpec(big)).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ code: 'REQUEST_TOO_LARGE' }],
    });
    expect(JSON.stringify(parseServiceSpec(big))).toContain(String(MAX_REQUEST_CHARS));
    const many: Record<string, string> = { ...BASE };
    for (let i = 0; i <= MAX_PARAMS; i++) many[`x${i}`] = '1';
    expect(parseServiceSpec(many)).toMatchObject({ ok: false, errors: [{ code: 'REQUEST_TOO_LARGE' }] });
  });

  it('an over-long parameter name is refused, and echoed shortened', () => {
    const name = 'z'.repeat(MAX_NAME_LENGTH + 1);
    const r = parseServiceSpec({ ...BASE, [name]: '1' });
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'PARAM_TOO_LONG' }] });
    expect(JSON.stringify(r)).not.toContain(name);
  });

  it('the listener`s get-services JSON goes through the same limits', () => {
    const r = parseServiceSpec({ ...BASE, servicePath: `/${'b'.repeat(20_000)}/demo`, replicas: 1 });
    expect(r).toMatchObject({ ok: false, errors: [{ param: 'servicePath', code: 'PARAM_TOO_LONG' }] });
  });
});
