import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskConfigText, maskSpec } from '../../../src/api/mask.js';
import { spec } from '../spec.js';

const golden = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'golden');
const cfgOf = (name: string): string => readFileSync(join(golden, name, 'expected.cfg'), 'utf8');

describe('maskConfigText', () => {
  it('hides userlist passwords and the stats credentials, and nothing else', () => {
    const users = cfgOf('users-service');
    const masked = maskConfigText(users);
    expect(masked).not.toMatch(/'password'|s3cr#t/);
    expect(masked).toContain("user admin insecure-password '***'");
    expect(masked).toContain("user ops insecure-password '***'");
    const stats = maskConfigText(cfgOf('stats'));
    expect(stats).not.toMatch(/my-user|my-pass/);
    expect(stats).toContain("stats auth '***:***'");
    const strip = (t: string): string[] => t.split('\n').filter((l) => !/password|stats auth/.test(l));
    expect(strip(masked)).toEqual(strip(users));
  });

  it('hides hashed and unquoted passwords too', () => {
    const cfg = 'userlist u\n    user a password $6$salt$hash\n    user b insecure-password plain\n';
    expect(maskConfigText(cfg)).toBe(
      "userlist u\n    user a password '***'\n    user b insecure-password '***'\n",
    );
  });
});

describe('maskSpec', () => {
  it('masks passwords and certificates in the JSON state', () => {
    const m = maskSpec({
      ...spec('serviceName=a&servicePath=/a&port=1&users=u:secret,v'),
      serviceCert: 'PEM',
    });
    expect(m.users).toEqual([{ user: 'u', password: '***' }, { user: 'v' }]);
    expect(m.serviceCert).toBe('***');
  });
});
