import { describe, expect, it } from '@jest/globals';
import { notConfigured } from '../../../src/reload/pipeline.js';

describe('reload pipeline', () => {
  it('reads the renderer`s "not configured" warnings by service', () => {
    expect(
      notConfigured(['service a is not configured: x clash (set a distinct aclName)', 'other warning']),
    ).toEqual(new Map([['a', 'x clash (set a distinct aclName)']]));
  });
});
