import { describe, expect, it } from '@jest/globals';
import { apiAuthProblems, authorizationHeaders, authorized, NO_API_AUTH } from '../src/api-auth.js';

const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('API authentication', () => {
  const both = { user: 'ops', pass: 'p:w', token: 'tok-123' };

  it('lets everything through when nothing is configured', () => {
    expect(authorized(undefined, NO_API_AUTH)).toBe(true);
    expect(authorizationHeaders(NO_API_AUTH)).toEqual({});
  });

  it('accepts the basic credentials or the bearer token, nothing else', () => {
    expect(authorized(basic('ops:p:w'), both)).toBe(true);
    expect(authorized('Bearer tok-123', both)).toBe(true);
    expect(authorized('bearer tok-123', both)).toBe(true);
    for (const h of [
      undefined,
      '',
      basic('ops:p'),
      basic('ops'),
      basic('other:p:w'),
      'Bearer tok-1234',
      'Bearer',
      `Token tok-123`,
      'Bearer tok-123 extra',
    ])
      expect(authorized(h, both)).toBe(false);
    expect(authorized(basic('ops:p:w'), { ...both, user: '', pass: '' })).toBe(false);
    expect(authorized('Bearer tok-123', { ...both, token: '' })).toBe(false);
  });

  it('sends the token when there is one, else the basic credentials', () => {
    expect(authorizationHeaders(both)).toEqual({ Authorization: 'Bearer tok-123' });
    expect(authorizationHeaders({ ...both, token: '' })).toEqual({ Authorization: basic('ops:p:w') });
  });

  it('wants API_USER and API_PASS together', () => {
    expect(apiAuthProblems({ user: 'a', pass: '', token: '' })).toHaveLength(1);
    expect(apiAuthProblems({ user: '', pass: 'b', token: 't' })).toHaveLength(1);
    expect(apiAuthProblems(both)).toEqual([]);
  });
});
