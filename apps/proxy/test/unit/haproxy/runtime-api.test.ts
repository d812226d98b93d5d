import { describe, expect, it } from '@jest/globals';
import { cliSafe, mapCommand, RuntimeApiError } from '../../../src/haproxy/runtime-api.js';

describe('mapCommand', () => {
  it('writes add, set and del map commands', () => {
    expect(mapCommand({ op: 'add', file: 'paths.map', key: '/a', value: 'a-be80_0' }, '/cfg/paths.map')).toBe(
      'add map /cfg/paths.map /a a-be80_0',
    );
    expect(mapCommand({ op: 'set', file: 'paths.map', key: '/a', value: 'b-be80_0' }, '/cfg/paths.map')).toBe(
      'set map /cfg/paths.map /a b-be80_0',
    );
    expect(mapCommand({ op: 'del', file: 'paths.map', key: '/a' }, '/cfg/paths.map')).toBe(
      'del map /cfg/paths.map /a',
    );
  });

  it('escapes the command separator and refuses what would not arrive as itself', () => {
    expect(mapCommand({ op: 'del', file: 'paths.map', key: '/a;del' }, '/cfg/paths.map')).toBe(
      'del map /cfg/paths.map /a\\;del',
    );
    for (const bad of ['/a b', '/a\\b', '/é', '/a\nshow', ''])
      expect(() => mapCommand({ op: 'del', file: 'paths.map', key: bad }, '/cfg/paths.map')).toThrow(
        RuntimeApiError,
      );
    expect(cliSafe('/my dir/paths.map')).toBe(false);
  });
});
