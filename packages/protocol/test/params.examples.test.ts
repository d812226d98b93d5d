import { describe, expect, it } from '@jest/globals';
import { PARAMS, parseServiceSpec, type ParamDef } from '../src/index.js';

// A minimal valid request that each example is added to.
const BASE = { serviceName: 'svc', servicePath: '/svc', port: '8080' };

function withParam(d: ParamDef, value: string): Record<string, string> {
  const base: Record<string, string> = { ...BASE };
  if (d.name === 'reqMode' || !d.modes.includes('http')) {
    // tcp-only parameters need a tcp destination to be meaningful.
    Object.assign(base, { reqMode: 'tcp', srcPort: '6000' });
  }
  return { ...base, [d.name]: value };
}

const RAW_OK = { allowRawConfig: true };

describe('every parameter of the table', () => {
  it.each(PARAMS.filter((d) => d.scope !== 'listener').map((d) => [d.name, d] as const))(
    '%s: accepted example parses, rejected example is refused naming the parameter',
    (name, d) => {
      expect(d.doc.length).toBeGreaterThan(0);
      if (d.support.kind === 'no') {
        const r = parseServiceSpec(withParam(d, d.examples.fail ?? 'x'));
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.errors.map((e) => e.code)).toContain('PARAM_UNSUPPORTED');
        return;
      }
      expect(d.examples.ok).not.toBeNull();
      const ok = parseServiceSpec(withParam(d, d.examples.ok ?? ''), RAW_OK);
      expect(ok).toMatchObject({ ok: true });
      if (d.examples.fail !== null) {
        const bad = parseServiceSpec(withParam(d, d.examples.fail), RAW_OK);
        expect(bad.ok).toBe(false);
        if (!bad.ok) {
          expect(bad.status).toBe(400);
          expect(bad.errors.some((e) => e.param.startsWith(name))).toBe(true);
        }
      }
    },
  );

  it('raw configuration is refused unless the operator allows it', () => {
    const r = parseServiceSpec({ ...BASE, backendExtra: 'http-request set-header X-A 1' });
    expect(r).toMatchObject({
      ok: false,
      status: 400,
      errors: [{ param: 'backendExtra', code: 'PARAM_RAW_DISABLED' }],
    });
  });
});
