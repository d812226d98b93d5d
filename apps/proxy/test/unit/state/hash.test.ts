import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../../../src/state/hash.js';

describe('canonicalJson', () => {
  it('canonical JSON sorts keys and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});
