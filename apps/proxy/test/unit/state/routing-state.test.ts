import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ServiceSpec } from '@flowproxy/protocol';
import {
  applyChange,
  applyChanges,
  sameSpec,
  stateHash,
  type Change,
} from '../../../src/state/routing-state.js';
import { spec } from '../spec.js';

describe('routing state', () => {
  it('upserts, replaces and removes by service name without touching the input', () => {
    const empty = new Map<string, ServiceSpec>();
    const one = applyChange(empty, { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a&port=1') });
    expect(empty.size).toBe(0);
    const two = applyChanges(one, [
      { kind: 'upsert', spec: spec('serviceName=b&servicePath=/b&port=1') },
      { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a2&port=1') },
    ]);
    expect([...two.keys()]).toEqual(['a', 'b']);
    expect(two.get('a')?.destinations[0]?.servicePath).toEqual(['/a2']);
    expect(applyChange(two, { kind: 'remove', serviceName: 'a' }).has('a')).toBe(false);
    expect(applyChange(two, { kind: 'remove', serviceName: 'zzz' })).toBe(two);
  });

  it('stores no trace of distribute, so forwarded copies hash alike', () => {
    const a = applyChange(new Map(), {
      kind: 'upsert',
      spec: spec('serviceName=a&servicePath=/a&port=1&distribute=true'),
    });
    const b = applyChange(new Map(), {
      kind: 'upsert',
      spec: spec('serviceName=a&servicePath=/a&port=1&distribute=false'),
    });
    expect(stateHash(a)).toBe(stateHash(b));
    expect(sameSpec(a.get('a'), spec('serviceName=a&servicePath=/a&port=1&distribute=true'))).toBe(true);
  });

  it('hashes the same services to the same value whatever the order of changes', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['a', 'b', 'c', 'd', 'e'], { minLength: 1 }), (names) => {
        const changes: Change[] = names.map((n) => ({
          kind: 'upsert',
          spec: spec(`serviceName=${n}&servicePath=/${n}&port=1`),
        }));
        const forward = applyChanges(new Map(), changes);
        const backward = applyChanges(new Map(), [...changes].reverse());
        expect(stateHash(forward)).toBe(stateHash(backward));
      }),
      { numRuns: 30 },
    );
    expect(stateHash(new Map())).not.toBe(
      stateHash(
        applyChanges(new Map(), [{ kind: 'upsert', spec: spec('serviceName=a&servicePath=/a&port=1') }]),
      ),
    );
  });
});
