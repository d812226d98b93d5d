import { describe, expect, it } from '@jest/globals';
import { parseUserList } from '@flowproxy/protocol';
import { looksHashed, resolveUsers, UsersError } from '../../../src/state/users.js';
import { spec } from '../spec.js';

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
