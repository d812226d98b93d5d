import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ServiceSpec } from '@flowproxy/protocol';
import {
  applyChange,
  applyChanges,
  sameSpec,
  sortedServices,
  stateHash,
  type Change,
} from '../../../src/state/routing-state.js';
import { canonicalJson, sha256 } from '../../../src/state/hash.js';
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

  it('applies a batch like its changes one by one, and stores each spec once', () => {
    const base = applyChanges(new Map(), [
      { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a&port=1') },
    ]);
    const b = spec('serviceName=b&servicePath=/b&port=1');
    const changes: Change[] = [
      { kind: 'upsert', spec: b },
      { kind: 'remove', serviceName: 'a' },
      { kind: 'upsert', spec: spec('serviceName=a&servicePath=/a3&port=1') },
      { kind: 'remove', serviceName: 'zzz' },
      { kind: 'refresh' },
    ];
    const batch = applyChanges(base, changes);
    expect(batch).toEqual(changes.reduce(applyChange, base));
    expect(base.size).toBe(1);
    // Applying the same change twice stores the same object: render and hash caches stay warm.
    expect(applyChanges(base, changes).get('b')).toBe(batch.get('b'));
    expect(applyChanges(base, [{ kind: 'remove', serviceName: 'zzz' }, { kind: 'refresh' }])).toBe(base);
  });

  it('hashes the canonical JSON of the services sorted by name', () => {
    const services = applyChanges(new Map(), [
      { kind: 'upsert', spec: spec('serviceName=b&servicePath=/b&port=1') },
      { kind: 'upsert', spec: spec('serviceName=a&serviceDomain=a.test&port=1') },
    ]);
    expect(stateHash(services)).toBe(sha256(canonicalJson(sortedServices(services))));
    expect(stateHash(new Map())).toBe(sha256('[]'));
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
