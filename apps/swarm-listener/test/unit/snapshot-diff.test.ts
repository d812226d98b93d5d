import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { decide, waitsForTask } from '../../src/core/decide.js';
import { toSnapshot, type ServiceSnapshot } from '../../src/core/snapshot.js';
import type { SwarmService } from '../../src/docker/types.js';
import { svc } from './fakes.js';

const L = 'com.df.notify';
const snap = (s: SwarmService): ServiceSnapshot => toSnapshot(s, L);
const base = { 'com.df.notify': 'true', 'com.df.servicePath': '/demo', 'com.df.port': '8080' };

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

describe('decide', () => {
  const on = snap(svc('a', 'x', base));
  it.each([
    ['new labelled service', undefined, on, ['create']],
    ['unchanged', on, on, []],
    ['unlabelled, never notified', undefined, snap(svc('a', 'x', { 'com.df.port': '1' })), []],
    ['gone, never notified', undefined, null, []],
    ['gone after notified', on, null, ['remove']],
    [
      'notify label removed',
      on,
      snap(svc('a', 'x', { 'com.df.port': '8080', 'com.df.servicePath': '/demo' })),
      ['remove'],
    ],
    ['notify label set to false', on, snap(svc('a', 'x', { ...base, 'com.df.notify': 'false' })), ['remove']],
    ['label changed', on, snap(svc('a', 'x', { ...base, 'com.df.port': '1' })), ['update']],
    ['label added', on, snap(svc('a', 'x', { ...base, 'com.df.users': 'a:b' })), ['update']],
    ['scaled to 0', on, snap(svc('a', 'x', base, { replicas: 0 })), ['update']],
    ['renamed', on, snap(svc('a', 'y', base)), ['remove', 'create']],
  ] as const)('%s', (_name, prev, next, types) => {
    expect(decide(prev, next).map((c) => c.kind)).toEqual(types);
  });

  it('force re-sends an unchanged service', () => {
    expect(decide(on, on, { force: true }).map((c) => c.kind)).toEqual(['update']);
  });

  it('remove carries what was notified (labels for the remove parameters)', () => {
    const [c] = decide(on, null);
    expect(c).toEqual({ kind: 'remove', previous: on });
  });
});

describe('waitsForTask', () => {
  const on = snap(svc('a', 'x', base));
  it('new services wait for a task, updates and removals do not', () => {
    expect(waitsForTask({ kind: 'create', snapshot: on }, false)).toBe(true);
    expect(waitsForTask({ kind: 'create', snapshot: on }, true)).toBe(false);
    expect(waitsForTask({ kind: 'update', snapshot: on, previous: on }, false)).toBe(false);
    expect(waitsForTask({ kind: 'remove', previous: on }, false)).toBe(false);
  });
  it('nothing to wait for at 0 replicas; coming back from 0 waits', () => {
    const zero = snap(svc('a', 'x', base, { replicas: 0 }));
    expect(waitsForTask({ kind: 'create', snapshot: zero }, false)).toBe(false);
    expect(waitsForTask({ kind: 'update', snapshot: on, previous: zero }, false)).toBe(true);
    expect(
      waitsForTask({ kind: 'create', snapshot: snap(svc('g', 'g', base, { global: true })) }, false),
    ).toBe(true);
  });
});
