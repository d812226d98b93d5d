import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { toSnapshot } from '../../../src/core/snapshot.js';
import type { SwarmService } from '../../../src/docker/types.js';
import { base, snap, svc } from '../fakes.js';

describe('toSnapshot', () => {
  it('keeps only com.df.* labels and the stack namespace, sorted', () => {
    const s = snap(
      svc(
        'a',
        'go-demo',
        { ...base, 'com.docker.stack.namespace': 'st', other: 'x', 'org.label': 'y' },
        { replicas: 3 },
      ),
    );
    expect(s.labels).toEqual({
      'com.df.notify': 'true',
      'com.df.port': '8080',
      'com.df.servicePath': '/demo',
      'com.docker.stack.namespace': 'st',
    });
    expect(Object.keys(s.labels)).toEqual([...Object.keys(s.labels)].sort());
    expect(s).toMatchObject({
      id: 'a',
      name: 'go-demo',
      mode: 'replicated',
      replicas: 3,
      enabled: true,
      version: 1,
    });
  });

  it('global services have no replicas', () => {
    expect(snap(svc('a', 'g', base, { global: true }))).toMatchObject({
      mode: 'global',
      replicas: undefined,
    });
  });

  it('notify label must be true (case-insensitive)', () => {
    expect(snap(svc('a', 'x', { ...base, 'com.df.notify': 'TRUE' })).enabled).toBe(true);
    expect(snap(svc('a', 'x', { ...base, 'com.df.notify': 'false' })).enabled).toBe(false);
    expect(snap(svc('a', 'x', { 'com.df.port': '80' })).enabled).toBe(false);
    expect(toSnapshot(svc('a', 'x', { 'my.notify': 'true' }), 'my.notify').enabled).toBe(true);
  });

  it('the hash ignores everything that does not affect routing', () => {
    const a = svc('a', 'x', base);
    const b: SwarmService = {
      ...svc('a', 'x', { ...base, 'not.routing': 'changed' }, { version: 7 }),
      Spec: {
        ...svc('a', 'x', { ...base, 'not.routing': 'changed' }).Spec,
        TaskTemplate: { image: 'other' },
      } as SwarmService['Spec'],
    };
    expect(snap(a).hash).toBe(snap(b).hash);
  });

  it('the hash changes with a routing label, replicas, mode or name', () => {
    const h = snap(svc('a', 'x', base)).hash;
    expect(snap(svc('a', 'x', { ...base, 'com.df.port': '9090' })).hash).not.toBe(h);
    expect(snap(svc('a', 'x', base, { replicas: 2 })).hash).not.toBe(h);
    expect(snap(svc('a', 'x', base, { global: true })).hash).not.toBe(h);
    expect(snap(svc('a', 'y', base)).hash).not.toBe(h);
    expect(snap(svc('a', 'x', { ...base, 'com.df.servicePath.1': '/a' })).hash).not.toBe(h);
  });

  it('the hash does not depend on label order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.string({ maxLength: 8 })), (d) => {
        const labels = Object.fromEntries(Object.entries(d).map(([k, v]) => [`com.df.${k}`, v]));
        const reversed = Object.fromEntries(Object.entries(labels).reverse());
        expect(snap(svc('a', 'x', labels)).hash).toBe(snap(svc('a', 'x', reversed)).hash);
      }),
      { numRuns: 100 },
    );
  });
});
