import { describe, expect, it } from '@jest/globals';
import { blameParam } from '../../../src/config/blame.js';
import { spec } from '../spec.js';

describe('blameParam', () => {
  it('blames backendExtra for a line it wrote, else the parameter whose value is on the line', () => {
    const s = spec('serviceName=a&servicePath=/weird&port=1&backendExtra=no-such-keyword%201');
    expect(blameParam(s, '  no-such-keyword 1')).toBe('backendExtra');
    expect(
      blameParam(spec('serviceName=a&servicePath=/weird&port=1'), '  acl url_a1_0 path_beg /weird'),
    ).toBe('servicePath');
    expect(blameParam(spec('serviceName=a&servicePath=/weird&port=1'), undefined)).toBe('serviceName');
  });
});
